import { Injectable, Logger, Module } from '@nestjs/common';
import { JobsModule, OnJobEvent, type JobEvent } from 'nestjs-jobs';
import { JobsController } from './jobs.controller.js';
import { Maintenance } from './maintenance.service.js';
import { SchedulesController } from './schedules.controller.js';
import { ReportJob } from './jobs/report.job.js';
import { PartnerSyncJob } from './jobs/sync.job.js';
import { TranscodeJob } from './jobs/transcode.job.js';

@Injectable()
class JobLog {
  private readonly logger = new Logger('Jobs');

  @OnJobEvent('*')
  log(event: JobEvent) {
    if (event.type === 'progress') return;
    const detail = event.error ? `: ${event.error.message}` : '';
    this.logger.log(`${event.type} ${event.name}#${event.jobId}${detail}`);
  }
}

@Module({
  imports: [
    JobsModule.forRoot({
      connection: { redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      prefix: process.env.JOBS_PREFIX ?? 'sample',
      queues: { default: { concurrency: 5 }, reports: { concurrency: 2 } },
      shutdownTimeout: 5_000,
    }),
  ],
  controllers: [JobsController, SchedulesController],
  providers: [ReportJob, PartnerSyncJob, TranscodeJob, JobLog, Maintenance],
})
export class AppModule {}
