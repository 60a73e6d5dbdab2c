import { Injectable } from '@nestjs/common';
import type { JobState } from '../interfaces/job-info.interface.js';
import { fromQueueId } from '../policy/job-ids.js';
import type { TestingJob } from './testing-job.js';
import { TestingJobs } from './testing-jobs.engine.js';
import { TestingSchedules } from './testing-schedules.js';
import type { JobsTestingMode } from './testing.constants.js';

/** A job as a test reads it: what was enqueued, with which options, and how it ended. */
export interface EnqueuedJob {
  id: string;
  name: string;
  queue: string;
  data: unknown;
  state: JobState;
  /** The options it was stored with, after defaults: what `add` was given and the processor's own. */
  options: { attempts: number; priority: number; delay?: number; timeout?: number; backoff?: unknown };
  /** Attempts that have ended. */
  attemptsMade: number;
  result?: unknown;
  error?: Error;
  /** The schedule that added it (`cron/<name>`, `schedule/<id>`), if any. */
  schedule?: string;
}

const recordOf = (job: TestingJob): EnqueuedJob => ({
  id: job.userId,
  name: job.name,
  queue: job.queueName,
  data: job.data,
  state: job.state,
  options: {
    attempts: job.opts.attempts ?? 1,
    priority: job.opts.priority ?? 0,
    delay: job.opts.delay || undefined,
    timeout: job.opts.timeout,
    backoff: job.opts.backoff,
  },
  attemptsMade: job.attemptsMade,
  result: job.result,
  error: job.error,
  schedule: job.repeatJobKey && fromQueueId(job.repeatJobKey),
});

/**
 * What a test asks of the testing mode (`JobsTestingModule`): the jobs enqueued, in the order they were, and running
 * them on demand in `fake` mode.
 */
@Injectable()
export class JobsTesting {
  constructor(
    private readonly engine: TestingJobs,
    private readonly schedules: TestingSchedules,
  ) {}

  get mode(): JobsTestingMode {
    return this.engine.mode;
  }

  /** Every job added so far, oldest first; only those of `name` when given. */
  enqueued(name?: string): EnqueuedJob[] {
    return this.engine
      .all()
      .filter((job) => name === undefined || job.name === name)
      .map(recordOf);
  }

  /** Runs every waiting job, and those they add, until none is left; returns how many ran. */
  drain(): Promise<number> {
    return this.engine.drain();
  }

  /** Runs the next waiting job (children first, then by priority, oldest first); undefined if none waits. */
  async runNext(): Promise<EnqueuedJob | undefined> {
    const job = await this.engine.runNext();
    return job && recordOf(job);
  }

  /** Runs one tick of a schedule: a `@Cron`/`@Every` method by its job name, or a run-time schedule by its id. */
  async trigger(scheduleId: string): Promise<EnqueuedJob> {
    return recordOf(await this.schedules.trigger(scheduleId));
  }

  /** Forgets every job and un-pauses every queue, for the next test. */
  clear(): void {
    this.engine.clear();
  }
}
