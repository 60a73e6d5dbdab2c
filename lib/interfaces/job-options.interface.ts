import type { PRIORITY_LEVELS } from '../jobs.constants.js';

export type JobPriority = keyof typeof PRIORITY_LEVELS | number;

export type BackoffType = 'fixed' | 'exponential' | 'linear';

/** How long to wait before the next attempt. `jitter` (0..1) spreads retries: the delay is drawn from `[d·(1-jitter), d]`. */
export interface JobBackoff {
  type: BackoffType;
  delay: number;
  jitter?: number;
}

/** How many finished jobs BullMQ keeps: `true` removes at once, a number keeps that many, an object keeps by age (s) and count. */
export type KeepJobs = boolean | number | { age: number; count?: number } | { count: number };

/** Options that a processor, the module defaults, and a single `add` may all set; the most specific wins. */
export interface JobRetryOptions {
  attempts?: number;
  backoff?: JobBackoff | number;
  /** Milliseconds an attempt may run before it fails with `JobTimeoutError` and its signal aborts. */
  timeout?: number;
}

/**
 * The host's open TypeORM transaction: the `EntityManager` that `dataSource.transaction(...)` hands its callback, or a
 * `QueryRunner` after `startTransaction()`, of history's DataSource. Typed by shape so that `nestjs-jobs` needs no
 * TypeORM types; anything else is refused when the job is added.
 */
export interface JobTransaction {
  readonly connection: object;
}

/** Options of `addBulk` as a whole. */
export interface JobBulkOptions {
  /** Writes every job into this transaction (see `JobAddOptions.transaction`). */
  transaction?: JobTransaction;
}

export interface JobAddOptions extends JobRetryOptions {
  priority?: JobPriority;
  /** Milliseconds before the job may run. */
  delay?: number;
  /** A moment in the future before which the job does not run; exclusive with `delay`. */
  runAt?: Date;
  /** Adding a job whose id already exists in its queue adds nothing and returns the existing job. */
  jobId?: string;
  /** While a job with this id is queued or running, adds with the same id are dropped (`ttl` ms bounds that window). */
  deduplication?: { id: string; ttl?: number };
  removeOnComplete?: KeepJobs;
  removeOnFail?: KeepJobs;
  /**
   * Writes the job into the host's transaction (history's outbox table) instead of its queue: it reaches the queue once
   * the transaction commits, and never if it rolls back. Needs `history`.
   */
  transaction?: JobTransaction;
}
