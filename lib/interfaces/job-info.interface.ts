/** BullMQ's states plus the two outcomes we tell apart from an ordinary failure. */
export type JobState =
  'waiting' | 'prioritized' | 'waiting-children' | 'delayed' | 'active' | 'completed' | 'failed' | 'timeout' | 'cancelled' | 'unknown';

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

/** Jobs per BullMQ state. Jobs with a priority, which every job of this module has, wait in `prioritized`, not `waiting`. */
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

/** A registered job name as `JobService.types` describes it: where it runs, its defaults and its payload schema. */
export interface JobTypeInfo {
  name: string;
  queue: string;
  kind: 'processor' | 'cron' | 'event';
  attempts?: number;
  /** Milliseconds an attempt may run. */
  timeout?: number;
  backoff?: { type: string; delay: number; jitter?: number };
  /** BullMQ priority: lower runs first. */
  priority?: number;
  /** JSON Schema of the payload, from its class-validator class; absent when the job takes any payload. */
  schema?: object;
}
