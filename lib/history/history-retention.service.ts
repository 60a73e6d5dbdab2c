import { Injectable } from '@nestjs/common';
import { Cron } from '../decorators/cron.decorator.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { RETENTION_CRON } from './history.constants.js';
import { JobHistoryService } from './job-history.service.js';

/** The module's own housekeeping: a distributed cron, so one instance prunes per hour however many run. */
@Injectable()
export class HistoryRetention {
  constructor(private readonly history: JobHistoryService) {}

  @Cron('17 * * * *', { name: RETENTION_CRON, attempts: 3 })
  async prune(ctx: JobContext): Promise<{ deleted: number }> {
    const deleted = await this.history.prune();
    if (deleted) await ctx.log(`Deleted ${deleted} execution(s) past retention.`);
    return { deleted };
  }
}
