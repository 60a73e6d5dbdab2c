/** `history.outbox`, resolved. */
export const OUTBOX_OPTIONS = Symbol('nestjs-jobs:outbox-options');
/** History's DataSource, where the outbox table is. */
export const OUTBOX_DATA_SOURCE = Symbol('nestjs-jobs:outbox-data-source');
/** The relay's counters (`OutboxStats`), for metrics, without loading the outbox's code. */
export const OUTBOX_STATS = Symbol('nestjs-jobs:outbox-stats');

/** Counts since start, for metrics and tests. */
export interface OutboxStats {
  /** Jobs this instance moved from the outbox table to their queues. */
  relayed: number;
  /** Milliseconds from the add (in the host's transaction) to the queue's add, of the last job relayed. */
  lastLagMs: number;
}
