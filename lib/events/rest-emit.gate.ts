import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EmitOptions } from '../interfaces/emit-options.interface.js';
import type { AppEventStore } from './app-event.store.js';
import { AppEventNotAllowedError, AppEventRateLimitError } from './app-events.errors.js';
import { AppEvents } from './app-events.service.js';
import { APP_EVENT_STORE, EVENTS_OPTIONS } from './events.constants.js';
import type { ResolvedEventsOptions } from './events.options.js';

const MINUTE = 60_000;
/** Events emitted without a `source` share one budget. */
const NO_SOURCE = '(none)';

/**
 * What stands between the Events API and `AppEvents.emit`: the names `events.restEmit.names` allows, and at most
 * `events.restEmit.ratePerMinute` events per source in any 60 s. With history the events of the window are counted in
 * the database, so the limit holds across instances; without it, each instance counts what it emitted itself.
 */
@Injectable()
export class RestEmitGate {
  /** Emit times per source, newest last, of this instance: the window when there is no store to count in. */
  private readonly local = new Map<string, number[]>();
  private pruned = 0;

  constructor(
    private readonly events: AppEvents,
    @Inject(EVENTS_OPTIONS) private readonly options: ResolvedEventsOptions,
    @Optional() @Inject(APP_EVENT_STORE) private readonly store?: AppEventStore,
  ) {}

  async emit(name: string, payload: unknown, options: EmitOptions, now = Date.now()): Promise<string> {
    const { names, ratePerMinute } = this.options.restEmit;
    if (names && !names.includes(name)) throw new AppEventNotAllowedError(name, names);
    if (ratePerMinute !== undefined) {
      const source = options.source ?? null;
      const { count, oldest } = await this.window(source, now);
      // The budget frees up as the window's oldest event leaves it.
      if (count >= ratePerMinute)
        throw new AppEventRateLimitError(
          source ?? NO_SOURCE,
          ratePerMinute,
          Math.max(1, Math.ceil(((oldest ?? now) + MINUTE - now) / 1000)),
        );
    }
    const id = await this.events.emit(name, payload, options);
    if (!this.store && ratePerMinute !== undefined) this.local.get(options.source ?? NO_SOURCE)!.push(now);
    return id;
  }

  private async window(source: string | null, now: number): Promise<{ count: number; oldest?: number }> {
    if (this.store) {
      const { count, oldest } = await this.store.emittedSince(source, new Date(now - MINUTE));
      return { count, oldest: oldest?.getTime() };
    }
    // Once a minute, sources that fell silent are forgotten, so the map holds only those of the last two minutes.
    if (now - this.pruned > MINUTE) {
      for (const [key, times] of this.local) if (times[times.length - 1] <= now - MINUTE) this.local.delete(key);
      this.pruned = now;
    }
    const key = source ?? NO_SOURCE;
    const times = (this.local.get(key) ?? []).filter((t) => t > now - MINUTE);
    this.local.set(key, times);
    return { count: times.length, oldest: times[0] };
  }
}
