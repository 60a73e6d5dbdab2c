import type { JobInfo, JobState } from '../interfaces/job-info.interface.js';
import type { StoredJobOptions } from '../policy/job-options.policy.js';
import { fromQueueId } from '../policy/job-ids.js';
import type { EventSource } from '../runtime/job-events.js';

/**
 * A job of the testing mode, kept in memory. Shaped like the BullMQ job events are built from (`EventSource`), so the
 * testing mode publishes exactly the events a real run does.
 */
export class TestingJob implements EventSource {
  state: JobState;
  attemptsMade = 0;
  progress: number | object = 0;
  result?: unknown;
  error?: Error;
  processedOn?: number;
  finishedOn?: number;
  delay = 0;
  controller?: AbortController;
  readonly children: TestingJob[] = [];
  readonly timestamp = Date.now();
  /** Where `add` was told to run it: the job id BullMQ would have stored (`opts.jobId`). */
  readonly id: string;

  constructor(
    readonly name: string,
    readonly queueName: string,
    readonly data: unknown,
    readonly opts: StoredJobOptions,
    readonly parent?: TestingJob,
    readonly repeatJobKey?: string,
  ) {
    this.id = opts.jobId!;
    this.state = opts.delay ? 'delayed' : 'waiting';
  }

  /** The id the application knows the job by. */
  get userId(): string {
    return fromQueueId(this.id);
  }

  get finished(): boolean {
    return this.state === 'completed' || this.state === 'failed' || this.state === 'timeout' || this.state === 'cancelled';
  }

  get runnable(): boolean {
    return this.state === 'waiting' || this.state === 'delayed';
  }

  info(): JobInfo {
    return {
      id: this.userId,
      name: this.name,
      queue: this.queueName,
      state: this.state,
      data: this.data,
      progress: this.progress,
      attemptsMade: this.attemptsMade,
      maxAttempts: this.opts.attempts ?? 1,
      priority: this.opts.priority ?? 0,
      result: this.result,
      failedReason: this.error?.message,
      stacktrace: this.error?.stack ? [this.error.stack] : undefined,
      createdAt: new Date(this.timestamp),
      startedAt: this.processedOn ? new Date(this.processedOn) : undefined,
      finishedAt: this.finishedOn ? new Date(this.finishedOn) : undefined,
      runAt: this.opts.delay ? new Date(this.timestamp + this.opts.delay) : undefined,
    };
  }
}
