import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobNotFoundError, JobStateError } from '../jobs.errors.js';
import { cleanOptions } from '../policy/list-query.js';
import type { CancelResult, CleanOptions } from '../interfaces/job-flow.interface.js';
import { JobCancellation } from './job-cancellation.service.js';
import { JobEventBus } from './job-event.bus.js';
import { jobEvents } from './job-events.js';
import { stateOf } from './job-info.mapper.js';
import { findJob } from './job-lookup.js';
import { QueueRegistry } from './queue.registry.js';

const REMOVABLE = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/** `JobService`'s controls: cancel and retry one job; pause, resume, drain and clean a queue. */
@Injectable()
export class JobControl {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly bus: JobEventBus,
    private readonly cancellation: JobCancellation,
  ) {}

  /** Removes a job that has not started; tells a running one to abort, after which it ends as `cancelled`. */
  async cancel(id: string, queue?: string): Promise<CancelResult> {
    const job = await this.require(id, queue);
    const state = stateOf(job, await job.getState());
    if (REMOVABLE.has(state)) {
      try {
        await job.remove();
        this.bus.publish(jobEvents.cancelledBeforeStart(job));
        return { id, state: 'cancelled' };
      } catch (err) {
        // It may have started between the two calls; then it is cancelled as an active job.
        if ((await job.getState()) !== 'active') throw err;
      }
    } else if (state !== 'active') {
      throw new JobStateError(id, state, 'cancel');
    }
    await this.cancellation.request(job.queueName, job.id!);
    return { id, state: 'cancelling' };
  }

  /** Runs a failed, timed-out or cancelled job again with a fresh set of attempts. */
  async retry(id: string, queue?: string): Promise<void> {
    const job = await this.require(id, queue);
    const state = await job.getState();
    if (state !== 'failed') throw new JobStateError(id, state, 'retry');
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }

  async pause(queue: string): Promise<void> {
    return this.queues.get(queue).pause();
  }

  async resume(queue: string): Promise<void> {
    return this.queues.get(queue).resume();
  }

  /** Removes waiting jobs (and delayed ones when asked); active jobs run on. */
  async drain(queue: string, options: { delayed?: boolean } = {}): Promise<void> {
    return this.queues.get(queue).drain(options.delayed ?? false);
  }

  /** Removes finished jobs older than `grace` ms; returns their ids. */
  async clean(queue: string, options: CleanOptions = {}): Promise<string[]> {
    const { grace, status, limit } = cleanOptions(options);
    return this.queues.get(queue).clean(grace, limit, status);
  }

  private find(id: string, queue?: string): Promise<Job | undefined> {
    return findJob(this.queues, id, queue);
  }

  private async require(id: string, queue?: string): Promise<Job> {
    const job = await this.find(id, queue);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }
}
