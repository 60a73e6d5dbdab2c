import { Injectable } from '@nestjs/common';
import { WaitingError, type Job, type Processor } from 'bullmq';
import { plainToInstance } from 'class-transformer';
import { JobTimeoutError, ShutdownAbort, UnrecoverableJobError } from '../jobs.errors.js';
import { JobRegistry } from './job.registry.js';
import { ActiveJobs } from './active-jobs.registry.js';
import { AppEventOutlet } from './app-event.outlet.js';
import { RunningJobContext } from './job-context.js';
import { JobEventBus } from './job-event.bus.js';
import type { StoredJobOptions } from '../policy/job-options.policy.js';
import { jobEvents } from './job-events.js';
import { untilAborted } from './until-aborted.js';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as PromiseLike<unknown>).then === 'function';

/** Runs one attempt of a job: finds its handler, applies timeout and cancellation, and reports it started. */
@Injectable()
export class JobRunner {
  constructor(
    private readonly registry: JobRegistry,
    private readonly active: ActiveJobs,
    private readonly bus: JobEventBus,
    private readonly outlet: AppEventOutlet,
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
      const data: unknown = schema && job.data && typeof job.data === 'object' ? plainToInstance(schema, job.data) : job.data;
      const ctx = new RunningJobContext(job, data, controller.signal, this.bus, this.outlet);
      if (this.bus.listensTo('active')) this.bus.publish(jobEvents.active(job));
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
        this.bus.publish(jobEvents.returned(job, err));
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
}
