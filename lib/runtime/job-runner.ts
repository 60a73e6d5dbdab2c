import { Injectable } from '@nestjs/common';
import { WaitingError, type Job, type Processor } from 'bullmq';
import { plainToInstance } from 'class-transformer';
import { JobTimeoutError, ShutdownAbort, UnrecoverableJobError } from '../jobs.errors.js';
import { JobRegistry } from '../discovery/job-registry.js';
import { ActiveJobs } from './active-jobs.js';
import { RunningJobContext } from './job-context.js';
import { definitionOf, jobOrigin, scheduleOf } from './job-origin.js';
import { JobEventBus } from './job-event-bus.js';
import type { StoredJobOptions } from './job-request.builder.js';
import { readyAtOf, startedAtOf } from './job-times.js';
import { untilAborted } from './until-aborted.js';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';

/** Runs one attempt of a job: finds its handler, applies timeout and cancellation, and reports it started. */
@Injectable()
export class JobRunner {
  constructor(
    private readonly registry: JobRegistry,
    private readonly active: ActiveJobs,
    private readonly bus: JobEventBus,
  ) {}

  processor(): Processor {
    return (job, token) => this.run(job, token);
  }

  private async run(job: Job, token: string | undefined): Promise<unknown> {
    const registered = this.registry.get(job.name);
    if (!registered) throw new UnrecoverableJobError(`No processor for job "${job.name}" in this application.`);
    const controller = new AbortController();
    const release = this.active.track(job.queueName, job.id!, controller);
    const timeout = (job.opts as StoredJobOptions).timeout ?? registered.baseOptions.timeout;
    const timer = timeout ? setTimeout(() => controller.abort(new JobTimeoutError(timeout)), timeout) : undefined;
    try {
      const schema = registered.options.schema;
      const data = schema && job.data && typeof job.data === 'object' ? plainToInstance(schema, job.data) : job.data;
      const ctx = new RunningJobContext(job, data, controller.signal, this.bus);
      if (this.bus.listensTo('active')) this.publishActive(job, ctx);
      controller.signal.throwIfAborted();
      const result = registered.handler.handle(data, ctx);
      // A handler that returned (or threw) synchronously has finished; only a promise is raced against the signal.
      if (!isThenable(result)) {
        controller.signal.throwIfAborted();
        return result;
      }
      return await untilAborted(Promise.resolve(result), controller.signal);
    } catch (err) {
      if (err instanceof ShutdownAbort && token) {
        await job.moveToWait(token);
        this.publishReturned(job, err);
        throw new WaitingError();
      }
      // BullMQ updates `delay` only for a delayed retry; reset it so the `retrying` event reports an immediate one as 0.
      job.delay = 0;
      throw err;
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  private publishActive(job: Job, ctx: RunningJobContext<unknown>): void {
    this.bus.publish({
      type: 'active',
      jobId: job.id!,
      name: job.name,
      queue: job.queueName,
      timestamp: Date.now(),
      attempt: ctx.attempt,
      maxAttempts: ctx.maxAttempts,
      data: job.data,
      enqueuedAt: job.timestamp,
      readyAt: readyAtOf(job),
      startedAt: startedAtOf(job) ?? Date.now(),
      schedule: scheduleOf(job),
      definitionId: definitionOf(job),
    });
  }

  /** A job handed back at shutdown runs again elsewhere without spending an attempt: observers see a retry now. */
  private publishReturned(job: Job, err: ShutdownAbort): void {
    this.bus.publish({
      type: 'retrying',
      jobId: job.id!,
      name: job.name,
      queue: job.queueName,
      timestamp: Date.now(),
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      data: job.data,
      error: { name: err.name, message: err.message },
      retryDelay: 0,
      enqueuedAt: job.timestamp,
      startedAt: startedAtOf(job),
      ...jobOrigin(job),
    });
  }
}
