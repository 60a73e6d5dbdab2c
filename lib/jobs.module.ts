import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './discovery/job-registry.js';
import { JobsExplorer } from './discovery/jobs.explorer.js';
import { JOBS_OPTIONS } from './jobs.constants.js';
import { JobsLifecycle } from './jobs.lifecycle.js';
import { ConfigurableJobsModule, JOBS_MODULE_OPTIONS } from './jobs.module-definition.js';
import { resolveJobsOptions } from './jobs.options.js';
import { JobService } from './job.service.js';
import { ActiveJobs } from './runtime/active-jobs.js';
import { BullMqFactory } from './runtime/bullmq.factory.js';
import { JobCancellation } from './runtime/job-cancellation.js';
import { JobEventBus } from './runtime/job-event-bus.js';
import { JobRequestBuilder } from './runtime/job-request.builder.js';
import { JobRunner } from './runtime/job-runner.js';
import { QueueRegistry } from './runtime/queue-registry.js';
import { WorkerHost } from './runtime/worker-host.js';

/**
 * `JobsModule.forRoot(options)` or `JobsModule.forRootAsync({ imports, inject, useFactory })`: queues and workers on
 * BullMQ, `@JobProcessor` handlers, `@OnJobEvent` hooks and the `JobService`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: JOBS_OPTIONS, useFactory: resolveJobsOptions, inject: [JOBS_MODULE_OPTIONS] },
    JobRegistry,
    JobEventBus,
    JobsExplorer,
    BullMqFactory,
    QueueRegistry,
    ActiveJobs,
    JobRequestBuilder,
    JobRunner,
    WorkerHost,
    JobCancellation,
    JobsLifecycle,
    JobService,
  ],
  exports: [JobService, JobEventBus],
})
export class JobsModule extends ConfigurableJobsModule {}
