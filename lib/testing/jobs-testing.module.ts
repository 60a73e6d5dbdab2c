import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DecoratedMethods } from '../discovery/decorated-methods.scanner.js';
import { JobsExplorer } from '../discovery/jobs.explorer.js';
import type { DefaultJobOptions, JobsModuleOptions } from '../interfaces/jobs-module-options.interface.js';
import { JOBS_OPTIONS } from '../jobs.constants.js';
import { resolveJobsOptions } from '../jobs.options.js';
import { JobService } from '../job.service.js';
import { badOption } from '../option-checks.js';
import { JobEventBus } from '../runtime/job-event.bus.js';
import { AppEventOutlet } from '../runtime/app-event.outlet.js';
import { AppEvents } from '../events/app-events.service.js';
import { appEventsProviders } from '../events/events.parts.js';
import { eventsEnabled, resolveEventsOptions } from '../events/events.options.js';
import type { JobsEventsOptions } from '../interfaces/app-events.interface.js';
import { JobRequestBuilder } from '../runtime/job-request.builder.js';
import { JobRegistry } from '../runtime/job.registry.js';
import { TRANSACTIONAL_ENQUEUER } from '../runtime/transactional-enqueuer.js';
import { CronExplorer } from '../scheduling/cron.explorer.js';
import { CronRegistry } from '../scheduling/cron.registry.js';
import { JobsTesting } from './jobs-testing.service.js';
import { TestingOutbox } from './testing.outbox.js';
import { TestingJobService } from './testing-job.service.js';
import { TestingJobs } from './testing-jobs.engine.js';
import { TestingSchedules } from './testing-schedules.js';
import { JOBS_TESTING_MODE, type JobsTestingMode } from './testing.constants.js';

export interface JobsTestingOptions {
  /** `fake` (default): jobs wait until `JobsTesting.drain()`; `inline`: each runs as it is added. */
  mode?: JobsTestingMode;
  /** As `JobsModule.forRoot`'s: the defaults every job starts from. */
  defaultJobOptions?: DefaultJobOptions;
  /** As `JobsModule.forRoot`'s. */
  maxPayloadBytes?: number;
  /** As `JobsModule.forRoot`'s. */
  inputLimits?: JobsModuleOptions['inputLimits'];
  /** As `JobsModule.forRoot`'s: `AppEvents` and `@OnAppEvent` subscribers, whose deliveries are jobs of this mode (no store). */
  events?: JobsEventsOptions | boolean;
  /** Registers `JobService`, `JobEventBus` and `JobsTesting` for every module. Default true. */
  isGlobal?: boolean;
}

/**
 * Never connected: the connection `resolveJobsOptions` requires; the testing mode builds no queue, worker or client,
 * so nothing ever reads it.
 */
const NO_BACKEND = { redis: 'redis://testing.invalid' };

/**
 * `JobsModule` for a host's unit tests, with no Redis or PostgreSQL: the application's `@JobProcessor` handlers,
 * `@Cron` methods and `@OnJobEvent` hooks are discovered as usual, `JobService` validates as usual, and jobs run in this
 * process (see `JobsTestingMode`). Import it instead of `JobsModule` in `Test.createTestingModule`.
 */
@Module({})
export class JobsTestingModule {
  static forRoot(options: JobsTestingOptions = {}): DynamicModule {
    const { mode = 'fake', defaultJobOptions, maxPayloadBytes, inputLimits, isGlobal = true, events } = options;
    if (mode !== 'inline' && mode !== 'fake') badOption('mode', "'inline' or 'fake'", mode);
    const resolved = resolveJobsOptions({ connection: NO_BACKEND, defaultJobOptions, maxPayloadBytes, inputLimits, workers: false });
    return {
      module: JobsTestingModule,
      global: isGlobal,
      imports: [DiscoveryModule],
      providers: [
        { provide: JOBS_OPTIONS, useValue: resolved },
        { provide: JOBS_TESTING_MODE, useValue: mode },
        JobRegistry,
        JobEventBus,
        DecoratedMethods,
        JobsExplorer,
        CronRegistry,
        CronExplorer,
        JobRequestBuilder,
        TestingJobs,
        TestingSchedules,
        TestingOutbox,
        { provide: TRANSACTIONAL_ENQUEUER, useExisting: TestingOutbox },
        TestingJobService,
        { provide: JobService, useExisting: TestingJobService },
        JobsTesting,
        AppEventOutlet,
        ...(eventsEnabled(events) ? appEventsProviders(resolveEventsOptions(events)) : []),
      ],
      exports: [JobService, JobEventBus, JobsTesting, ...(eventsEnabled(events) ? [AppEvents] : [])],
    };
  }
}
