import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Job, type Worker } from 'bullmq';
import { JOBS_OPTIONS } from '../jobs.constants.js';
import { JobsConfigurationError, ShutdownAbort } from '../jobs.errors.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import { JobRegistry } from './job.registry.js';
import { ActiveJobs } from './active-jobs.registry.js';
import { computeBackoff } from '../policy/backoff.js';
import { BullMqFactory } from './bullmq.factory.js';
import { JobEventBus } from './job-event.bus.js';
import { jobEvents } from './job-events.js';
import { JobRunner } from './job.runner.js';
import { tracedProcessor } from './job-tracing.js';
import { QueueRegistry } from './queue.registry.js';
import { within } from '../within.js';

/** One BullMQ Worker per queue this instance works; turns their outcomes into lifecycle events. */
@Injectable()
export class WorkerHost {
  private readonly logger = new Logger('JobsModule');
  private workers: Worker[] = [];

  constructor(
    private readonly factory: BullMqFactory,
    private readonly queues: QueueRegistry,
    private readonly registry: JobRegistry,
    private readonly runner: JobRunner,
    private readonly active: ActiveJobs,
    private readonly bus: JobEventBus,
    @Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions,
  ) {}

  get running(): string[] {
    return this.workers.filter((w) => w.isRunning()).map((w) => w.name);
  }

  queuesToWork(): string[] {
    const { workers } = this.options;
    if (workers === false) return [];
    if (workers === true) return this.queues.names();
    const unknown = workers.filter((q) => !this.queues.names().includes(q));
    if (unknown.length) {
      throw new JobsConfigurationError(
        `JobsModule option "workers" names unknown queues: ${unknown.join(', ')}; known: ${this.queues.names().join(', ')}.`,
      );
    }
    return workers;
  }

  async start(): Promise<void> {
    const identity = `${hostname()}:${process.pid}`;
    const processor = await tracedProcessor(this.runner.processor(), this.options.telemetry);
    for (const queue of this.queuesToWork()) {
      const worker = this.factory.worker(queue, processor, {
        concurrency: this.concurrencyOf(queue),
        limiter: this.options.queues[queue]?.limiter,
        name: identity,
        settings: { backoffStrategy: computeBackoff },
        ...this.stalledOf(queue),
      });
      this.listen(worker);
      this.workers.push(worker);
      worker.run().catch((err: Error) => this.logger.error(`Worker of queue "${queue}" stopped: ${err.message}`, err.stack));
      await worker.waitUntilReady();
    }
  }

  /** The queue's configured concurrency wins; otherwise the largest any of its processors asks for. */
  private concurrencyOf(queue: string): number {
    const configured = this.options.queues[queue]?.concurrency;
    if (configured) return configured;
    return Math.max(1, ...this.registry.onQueue(queue).map((j) => j.options.concurrency ?? 1));
  }

  /** The queue's resolved `stalled` settings (the module's for a queue not in `queues`), in BullMQ's names. */
  private stalledOf(queue: string) {
    const { lockDuration, interval, maxCount } = this.options.queues[queue]?.stalled ?? this.options.stalled;
    return { lockDuration, stalledInterval: interval, maxStalledCount: maxCount };
  }

  /**
   * Stops taking jobs and lets active ones finish; past `shutdownTimeout` their signals abort and they return to
   * the queue for another instance. Queues stay open meanwhile, so a finishing job can still enqueue.
   */
  async stop(): Promise<void> {
    // A closing worker waits for its active jobs, including any it fetched just before it was told to stop.
    const closing = Promise.allSettled(this.workers.map((w) => w.close()));
    if (!(await within(closing, this.options.shutdownTimeout))) {
      this.logger.warn(
        `${this.active.size} job(s) still running after shutdownTimeout (${this.options.shutdownTimeout} ms); returning them to their queues.`,
      );
      this.active.abortAll(new ShutdownAbort());
    }
    await closing;
    this.workers = [];
  }

  private listen(worker: Worker): void {
    worker.on('completed', (job, result) => {
      if (this.bus.listensTo('completed')) this.bus.publish(jobEvents.completed(job, result));
    });
    worker.on('failed', (job, err) => {
      if (job) this.bus.publish(jobEvents.thrown(job, err));
    });
    worker.on('stalled', (jobId) => void this.publishStalled(worker.name, jobId));
    this.factory.reportingErrors(worker, `Worker of queue "${worker.name}"`);
  }

  private async publishStalled(queue: string, jobId: string): Promise<void> {
    const job = await Job.fromId(this.queues.get(queue), jobId).catch(() => undefined);
    this.bus.publish(jobEvents.stalled(job, { jobId, queue }));
  }
}
