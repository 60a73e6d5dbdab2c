import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JOBS_OPTIONS } from './jobs.constants.js';
import { ConfigurableJobsModule, JOBS_MODULE_OPTIONS } from './jobs.module-definition.js';
import { resolveJobsOptions } from './jobs.options.js';
import { JOBS_SERVICES } from './jobs.providers.js';
import { JobService } from './job.service.js';
import { JobEventBus } from './runtime/job-event.bus.js';
import { JobsHealthIndicator } from './observability/jobs-health.indicator.js';
import { injectableQueues } from './runtime/queue-injection.js';
import { QueueRegistry } from './runtime/queue.registry.js';

/**
 * `JobsModule.forRoot(options)` or `JobsModule.forRootAsync({ imports, inject, useFactory })`: queues and workers on
 * BullMQ, `@JobProcessor` handlers, cluster-safe `@Cron` schedules, `@OnJobEvent` hooks and the `JobService`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [{ provide: JOBS_OPTIONS, useFactory: resolveJobsOptions, inject: [JOBS_MODULE_OPTIONS] }, ...JOBS_SERVICES],
  exports: [JobService, JobEventBus, JobsHealthIndicator, QueueRegistry],
})
export class JobsModule extends ConfigurableJobsModule {
  /**
   * The module's queues as BullMQ `Queue`s for `@InjectQueue(name)` (of `@nestjs/bullmq`), as `BullModule.registerQueue`
   * gives them: for code that reads or adds to a queue directly. Import it where they are injected.
   */
  static registerQueue(...names: string[]): DynamicModule {
    return injectableQueues(JobsQueuesModule, names);
  }
}

/** The module `JobsModule.registerQueue` returns; its queues come from `JobsModule`'s, which is global by default. */
@Module({})
export class JobsQueuesModule {}
