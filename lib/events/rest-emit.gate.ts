import { Inject, Injectable } from '@nestjs/common';
import type { EmitOptions } from '../interfaces/emit-options.interface.js';
import { AppEventNotAllowedError, AppEventRateLimitError } from './app-events.errors.js';
import { AppEvents } from './app-events.service.js';
import { EVENTS_OPTIONS } from './events.constants.js';
import type { ResolvedEventsOptions } from './events.options.js';

const MINUTE = 60_000;
/** Events emitted without a `source` share one budget. */
const NO_SOURCE = '(none)';

/**
 * What stands between the Events API and `AppEvents.emit`: the names `events.restEmit.names` allows, and a budget of
 * `events.restEmit.ratePerMinute` per source per calendar minute, kept by this instance.
 */
@Injectable()
export class RestEmitGate {
  private window = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly events: AppEvents,
    @Inject(EVENTS_OPTIONS) private readonly options: ResolvedEventsOptions,
  ) {}

  emit(name: string, payload: unknown, options: EmitOptions, now = Date.now()): Promise<string> {
    const { names, ratePerMinute } = this.options.restEmit;
    if (names && !names.includes(name)) throw new AppEventNotAllowedError(name, names);
    if (ratePerMinute !== undefined) this.spend(options.source ?? NO_SOURCE, ratePerMinute, now);
    return this.events.emit(name, payload, options);
  }

  private spend(source: string, limit: number, now: number): void {
    const window = Math.floor(now / MINUTE);
    // A new minute starts every budget afresh, and forgets the sources of the last one.
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const used = this.counts.get(source) ?? 0;
    if (used >= limit) throw new AppEventRateLimitError(source, limit, Math.ceil(((window + 1) * MINUTE - now) / 1000));
    this.counts.set(source, used + 1);
  }
}
