import type { Type } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DecoratedMethods } from './discovery/decorated-methods.scanner.js';
import { JobRegistry } from './runtime/job.registry.js';
import { JobsExplorer } from './discovery/jobs.explorer.js';
import { JobsLifecycle } from './jobs.lifecycle.js';
import { JobService } from './job.service.js';
import { JobControl } from './runtime/job-control.service.js';
import { JobFlows } from './runtime/job-flows.service.js';
import { JobReader } from './runtime/job-reader.service.js';
import { JobsHealthIndicator } from './observability/jobs-health.indicator.js';
import { ActiveJobs } from './runtime/active-jobs.registry.js';
import { AppEventOutlet } from './runtime/app-event.outlet.js';
import { BullMqFactory } from './runtime/bullmq.factory.js';
import { ClusterEvents } from './runtime/cluster-events.listener.js';
import { JobCancellation } from './runtime/job-cancellation.service.js';
import { JobEnqueuer } from './runtime/job.enqueuer.js';
import { JobEventBus } from './runtime/job-event.bus.js';
import { JobRequestBuilder } from './runtime/job-request.builder.js';
import { JobRunner } from './runtime/job.runner.js';
import { QueueRegistry } from './runtime/queue.registry.js';
import { JobWatcher } from './runtime/job.watcher.js';
import { WorkerHost } from './runtime/worker.host.js';
import { CronExplorer } from './scheduling/cron.explorer.js';
import { CronRegistry } from './scheduling/cron.registry.js';
import { JobSchedules } from './scheduling/job-schedules.service.js';
import { LocalCronRunner } from './scheduling/local-cron.runner.js';

/** The services of `JobsModule` itself, beside its options; the extras build on them, so the module exports them when any extra is on. */
export const JOBS_SERVICES: Type[] = [
  JobRegistry,
  JobEventBus,
  ClusterEvents,
  JobsExplorer,
  BullMqFactory,
  QueueRegistry,
  ActiveJobs,
  JobRequestBuilder,
  JobEnqueuer,
  JobRunner,
  AppEventOutlet,
  WorkerHost,
  JobCancellation,
  DecoratedMethods,
  CronRegistry,
  CronExplorer,
  JobSchedules,
  SchedulerRegistry,
  LocalCronRunner,
  JobsLifecycle,
  JobWatcher,
  JobFlows,
  JobReader,
  JobControl,
  JobService,
  JobsHealthIndicator,
];
