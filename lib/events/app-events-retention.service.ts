import { Inject, Injectable } from '@nestjs/common';
import { Cron } from '../decorators/cron.decorator.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { AppEventStore } from './app-event.store.js';
import { EVENTS_OPTIONS, EVENTS_RETENTION_CRON } from './events.constants.js';
import type { ResolvedEventsOptions } from './events.options.js';

/** Prunes stored events past `events.retentionDays`: a distributed cron, as history's, so one instance prunes per hour. */
@Injectable()
export class AppEventsRetention {
  constructor(
    private readonly store: AppEventStore,
    @Inject(EVENTS_OPTIONS) private readonly options: ResolvedEventsOptions,
  ) {}

  @Cron('23 * * * *', { name: EVENTS_RETENTION_CRON, attempts: 3 })
  async prune(ctx: JobContext): Promise<{ deleted: number }> {
    const deleted = await this.store.prune(this.options.retentionDays);
    if (deleted) await ctx.log(`Deleted ${deleted} event(s) past retention.`);
    return { deleted };
  }
}
