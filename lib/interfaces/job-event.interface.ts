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

export interface JobEventError {
  name: string;
  message: string;
  stack?: string;
}

/** One entry of the lifecycle stream. Fields that do not apply to a type are absent. */
export interface JobEvent {
  type: JobEventType;
  jobId: string;
  name: string;
  queue: string;
  /** Milliseconds since the epoch when the event happened. */
  timestamp: number;
  attempt?: number;
  maxAttempts?: number;
  data?: unknown;
  result?: unknown;
  progress?: number | object;
  error?: JobEventError;
  /** For `retrying`: milliseconds until the next attempt. */
  retryDelay?: number;
  enqueuedAt?: number;
  /** For `active`: when the job could first run, its enqueue time plus its delay (a cron run's tick). */
  readyAt?: number;
  startedAt?: number;
  finishedAt?: number;
  /** For `log`: the line a handler wrote with `ctx.log`. */
  log?: string;
  /** Scheduler id of a scheduled run: `cron/<name>`, `schedule/<id>`, `definition/<name>`. */
  schedule?: string;
  /** Id of the `JobDefinition` the job was made from. */
  definitionId?: string;
}

/**
 * `local`: events of work this process does (the default; in-process, every field). `cluster`: events of every job
 * on the module's queues, whichever instance ran it, read from BullMQ's queue event streams.
 */
export type JobEventScope = 'local' | 'cluster';

export interface JobEventFilter {
  name?: string;
  queue?: string;
  /** Only events of this job id. */
  jobId?: string;
  /** Default `local`. */
  scope?: JobEventScope;
}
