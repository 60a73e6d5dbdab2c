import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { JOBS_OPTIONS, ON_APP_EVENT_METADATA } from './jobs.constants.js';
import { DecoratedMethods } from './discovery/decorated-methods.scanner.js';
import { JobRegistry } from './runtime/job.registry.js';
import { JobsConfigurationError } from './jobs.errors.js';
import { messages } from './jobs.messages.js';
import type { ResolvedJobsOptions } from './jobs.options.js';
import { BullMqFactory } from './runtime/bullmq.factory.js';
import { JobCancellation } from './runtime/job-cancellation.service.js';
import { QueueRegistry } from './runtime/queue.registry.js';
import { WorkerHost } from './runtime/worker.host.js';
import { within } from './within.js';
import { JobSchedules } from './scheduling/job-schedules.service.js';
import { LocalCronRunner } from './scheduling/local-cron.runner.js';

/** How long after start-up the module looks for a SIGTERM handler. */
const SHUTDOWN_HOOKS_CHECK_MS = 5_000;

/**
 * The one owner of start and stop order. Schedules are reconciled first. Workers (and local crons) start once every
 * provider of the application is initialised, and stop first on shutdown, while queues stay open for jobs that
 * enqueue as they finish; queues, listeners and the connection close last.
 */
@Injectable()
export class JobsLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('JobsModule');
  private started = false;
  private hooksCheck?: NodeJS.Timeout;

  constructor(
    private readonly workers: WorkerHost,
    private readonly cancellation: JobCancellation,
    private readonly queues: QueueRegistry,
    private readonly factory: BullMqFactory,
    private readonly schedules: JobSchedules,
    private readonly localCrons: LocalCronRunner,
    private readonly registry: JobRegistry,
    private readonly methods: DecoratedMethods,
    @Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.warnIgnoredSubscribers();
    const queues = this.workers.queuesToWork();
    // A backend that is not set up, or not reachable, stops start-up here, rather than failing the first enqueue.
    await this.backendReady();
    await this.queues.applyGlobalConcurrency(queues);
    await this.schedules.reconcile();
    if (!queues.length) return;
    this.started = true;
    await this.cancellation.listen();
    await this.workers.start();
    this.localCrons.start();
    this.logger.log(`Workers started for queues: ${queues.join(', ')} (${this.factory.location}).`);
    // Hosts call enableShutdownHooks() once create() or listen() has returned, after this hook: look a little later.
    this.hooksCheck = setTimeout(() => {
      if (process.listenerCount('SIGTERM') === 0) this.logger.warn(messages.noShutdownHooks);
    }, SHUTDOWN_HOOKS_CHECK_MS).unref();
  }

  /** `@OnAppEvent` methods are registered only by the events extra; without it they would be silently ignored. */
  private warnIgnoredSubscribers(): void {
    if (this.registry.all().some((job) => job.kind === 'event')) return;
    const ignored = this.methods.find(ON_APP_EVENT_METADATA, '@OnAppEvent');
    if (ignored.length) this.logger.warn(messages.appEventsOff(ignored.map((m) => m.where)));
  }

  private async backendReady(): Promise<void> {
    const { location } = this.factory;
    const ready = this.queues.ready().catch((err: Error) => {
      throw new JobsConfigurationError(messages.backendFailed(location, err.message), { cause: err });
    });
    if (!(await within(ready, this.options.startupTimeout))) {
      throw new JobsConfigurationError(messages.backendUnreachable(location, this.options.startupTimeout));
    }
    await ready;
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.hooksCheck);
    this.factory.closing();
    if (!this.started) return;
    this.started = false;
    await Promise.all([this.localCrons.stop(), this.workers.stop()]);
    this.logger.log('Workers stopped; no job is running.');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cancellation.close();
    await this.queues.close();
    await this.factory.close();
  }
}
