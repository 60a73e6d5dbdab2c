import type { JobAddOptions } from './job-options.interface.js';

/** One job of a bulk add, a flow or a chain; a bulk add takes its transaction as a whole (`JobBulkOptions`). */
export interface JobRequestItem {
  name: string;
  data: unknown;
  options?: Omit<JobAddOptions, 'deduplication' | 'transaction'>;
}

/** A parent runs after all its children complete; it reads their results with `getChildrenValues` semantics. */
export interface JobFlowNode extends JobRequestItem {
  children?: JobFlowNode[];
}

export interface JobFlowHandle {
  id: string;
  name: string;
  queue: string;
  children: JobFlowHandle[];
}

export interface JobListQuery {
  queue?: string;
  state?: 'waiting' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed' | 'timeout' | 'cancelled' | 'waiting-children';
  name?: string;
  limit?: number;
  offset?: number;
}

export interface CleanOptions {
  /** Only jobs finished (or created, for waiting states) at least this many ms ago. */
  grace?: number;
  status?: 'completed' | 'failed' | 'wait' | 'delayed' | 'prioritized' | 'active';
  /** At most this many jobs; 0 for no limit. */
  limit?: number;
}

export interface CancelResult {
  id: string;
  /** `cancelled` when it was removed from the queue; `cancelling` when its running attempt was told to abort. */
  state: 'cancelled' | 'cancelling';
}
