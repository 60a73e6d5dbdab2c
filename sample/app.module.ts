import { Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule, OnJobEvent, type JobEvent } from 'nestjs-jobs';
import { TerminusModule } from '@nestjs/terminus';
import { AdminTokenGuard } from './admin-token.guard.js';
import type { SampleBackends } from './backends.js';
import { credentials } from './credentials.js';
import { HealthController } from './health.controller.js';
import { Maintenance } from './maintenance.service.js';
import { ReportsController } from './reports.controller.js';
import { SignupDto, SignupsController } from './signups.controller.js';
import { ReportJob } from './jobs/report.job.js';
import { PartnerSyncJob } from './jobs/sync.job.js';
import { TranscodeJob } from './jobs/transcode.job.js';
import { WelcomeListener } from './welcome.listener.js';

@Injectable()
class JobLog {
  private readonly logger = new Logger('Jobs');

  @OnJobEvent('*')
  log(event: JobEvent) {
    if (event.type === 'progress') return;
    const ended = event.type === 'retrying' || event.type === 'failed' || event.type === 'timeout' || event.type === 'cancelled';
    const detail = ended && event.error ? `: ${event.error.message}` : '';
    this.logger.log(`${event.type} ${event.name}#${event.jobId}${detail}`);
  }
}

@Module({
  controllers: [ReportsController, SignupsController, HealthController],
  providers: [ReportJob, PartnerSyncJob, TranscodeJob, JobLog, Maintenance, WelcomeListener],
})
export class AppModule {
  static register(backends: SampleBackends): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The host's own database; the module's migrations create its two tables on start.
        TypeOrmModule.forRoot(backends.history),
        JobsModule.forRoot({
          connection: backends.queues,
          prefix: process.env.JOBS_PREFIX ?? 'sample',
          queues: { default: { concurrency: 5 }, reports: { concurrency: 2 } },
          shutdownTimeout: 5_000,
          history: { retentionDays: 14, redact: ['password', 'apiKey'] },
          admin: { enabled: true, path: 'jobs', guards: [AdminTokenGuard] },
          board: { enabled: true, route: '/admin/queues', auth: { username: credentials.boardUser, password: credentials.boardPassword } },
          // The console in the browser: its data comes from the admin API above, so it asks for the admin token.
          console: { enabled: true, route: 'jobs-console', title: 'nestjs-jobs sample' },
          metrics: { enabled: true },
          // Ready-made job types: an outgoing HTTP call (never to private addresses) and a log line, from the admin API.
          builtins: { http: true, log: true },
          // Application events: POST /signups emits user.signed-up; the admin API lists them under /app-events.
          events: { schemas: { 'user.signed-up': SignupDto }, restEmit: { names: ['user.signed-up'], ratePerMinute: 60 } },
        }),
        TerminusModule,
      ],
    };
  }
}
