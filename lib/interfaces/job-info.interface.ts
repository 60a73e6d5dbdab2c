/** BullMQ's states plus the two outcomes we tell apart from an ordinary failure. */
export type JobState =
  | 'waiting'
  | 'prioritized'
  | 'waiting-children'
  | 'delayed'
  | 'active'
  | 'completed'
  | 'failed'
  | 'timeout'
  | 'cancelled'
  | 'unknown';

/** A job as `JobService.get` and `list` report it. */
export interface JobInfo {
  id: string;
  name: string;
  queue: string;
  state: JobState;
  data: unknown;
  progress: number | object;
  /** Attempts that have ended so far. */
  attemptsMade: number;
  maxAttempts: number;
  priority: number;
  result?: unknown;
  failedReason?: string;
  stacktrace?: string[];
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** When a delayed job becomes runnable. */
  runAt?: Date;
}

export interface JobHandle {
  id: string;
  name: string;
  queue: string;
}

export interface QueueCounts {
  waiting: number;
  prioritized: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
  'waiting-children': number;
  paused: boolean;
}
