import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, JobService, type JobContext } from 'nestjs-jobs';

@Injectable()
export class Maintenance implements OnApplicationBootstrap {
  constructor(private readonly jobs: JobService) {}

  /** Declared in code: once every 30 s across all replicas, with retries like any job. */
  @Cron('*/30 * * * * *', { name: 'sessions.cleanup', timeZone: 'UTC', attempts: 2 })
  async cleanupSessions(ctx: JobContext) {
    await ctx.log('removed expired sessions');
    return { removed: 0 };
  }

  /** Made at run time (an upsert, so every start may call it): a nightly sales report in Paris time. */
  async onApplicationBootstrap() {
    await this.jobs.schedule('report.generate', {
      id: 'nightly-sales',
      cron: '0 2 * * *',
      timeZone: 'Europe/Paris',
      data: { kind: 'sales', pages: 5 },
    });
  }
}
