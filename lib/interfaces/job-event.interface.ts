export const JOB_EVENT_TYPES = [
  'enqueued',
  'deduplicated',
  'active',
  'progress',
  'log',
  'completed',
  'failed',
  'retrying',
  'timeout',
  'cancelled',
  'stalled',
] as const;

export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

/** Types that end a job: no event of it follows. */
export const FINAL_EVENT_TYPES: ReadonlySet<JobEventType> = new Set(['completed', 'failed', 'timeout', 'cancelled']);

export interface JobEventError {
  name: string;
  message: string;
  stack?: string;
}

/**
 * `local`: events of work this process does (the default; in-process, every field). `cluster`: events of every job
 * on the module's queues, whichever instance ran it, read from BullMQ's queue event streams.
 */
export type JobEventScope = 'local' | 'cluster';

/** What every event carries. */
interface JobEventBase<T extends JobEventType> {
  type: T;
  jobId: string;
  name: string;
  queue: string;
  /** Milliseconds since the epoch when the event happened. */
  timestamp: number;
  /** Where the event was read: in the process that did the work, or from the queue's event stream. */
  scope: JobEventScope;
  /** Scheduler id of a scheduled run: `cron/<name>`, `schedule/<id>`, `definition/<name>`. */
  schedule?: string;
  /** Id of the `JobDefinition` the job was made from. */
  definitionId?: string;
  /** The payload, where the job could be read (a cluster event of a job already removed has none). */
  data?: unknown;
  enqueuedAt?: number;
}

/** What events of one attempt carry. */
interface AttemptFields {
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  startedAt?: number;
}

export interface JobEnqueuedEvent extends JobEventBase<'enqueued' | 'deduplicated'> {}

export interface JobActiveEvent extends JobEventBase<'active'>, AttemptFields {
  /** When the job could first run, its enqueue time plus its delay (a cron run's tick). */
  readyAt?: number;
}

export interface JobProgressEvent extends JobEventBase<'progress'> {
  attempt?: number;
  progress: number | object;
}

export interface JobLogEvent extends JobEventBase<'log'> {
  attempt: number;
  /** The line a handler wrote with `ctx.log`. */
  log: string;
}

export interface JobCompletedEvent extends JobEventBase<'completed'>, AttemptFields {
  result: unknown;
  finishedAt: number;
}

export interface JobRetryingEvent extends JobEventBase<'retrying'>, AttemptFields {
  error: JobEventError;
  /** Milliseconds until the next attempt. */
  retryDelay: number;
}

/** The job ended without a result. `attempt` is 0 for a job cancelled before it ever ran. */
export interface JobFailedEvent extends JobEventBase<'failed' | 'timeout' | 'cancelled'>, AttemptFields {
  error?: JobEventError;
  finishedAt: number;
}

/** BullMQ found the worker of the running attempt gone (its lock expired) and put the job back to run again. */
export interface JobStalledEvent extends JobEventBase<'stalled'> {
  /** The attempt that was running; its re-run has the same number. */
  attempt?: number;
  maxAttempts?: number;
  startedAt?: number;
}

/** One entry of the lifecycle stream: a union keyed by `type`, the same shape in both scopes. */
export type JobEvent =
  | JobEnqueuedEvent
  | JobActiveEvent
  | JobProgressEvent
  | JobLogEvent
  | JobCompletedEvent
  | JobRetryingEvent
  | JobFailedEvent
  | JobStalledEvent;

/** The member (or members) of the union that carry type `T`; `JobEventOf<'failed'>` is `JobFailedEvent`. */
export type JobEventOf<T extends JobEventType> = JobEvent extends infer E
  ? E extends { type: infer U }
    ? T extends U
      ? E
      : never
    : never
  : never;

export interface JobEventFilter {
  name?: string;
  queue?: string;
  /** Only events of this job id. */
  jobId?: string;
  /** Default `local`. */
  scope?: JobEventScope;
}
