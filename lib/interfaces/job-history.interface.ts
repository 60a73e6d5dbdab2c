export const EXECUTION_STATUSES = ['running', 'completed', 'failed', 'timeout', 'cancelled', 'retrying'] as const;

/** `retrying`: this attempt failed and another follows. The others end the job, apart from `running`. */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** `JobsModule.forRoot({ history })`: history in the host's own TypeORM database. */
export interface JobHistoryOptions {
  /** Default true once `history` is given; `false` needs no database at all. */
  enabled?: boolean;
  /** Name of the host's TypeORM DataSource, when it is not the default one. */
  dataSource?: string;
  /** Executions older than this many days are deleted hourly. Default 30; 0 keeps them for ever. */
  retentionDays?: number;
  /** Besides the age limit, keep at most this many newest executions per job name. Default: no limit. */
  keepPerName?: number;
  /** Keys stored as `[redacted]` in data, result and progress, at any depth, case-insensitive. */
  redact?: string[];
  /** Rows written per statement. Default 200. */
  batchSize?: number;
  /** Milliseconds between writes. Default 1000. */
  flushInterval?: number;
  /** Rows held while the database cannot be written; past it, new executions are not recorded. Default 10000. */
  bufferSize?: number;
  /** `ctx.log` lines kept per attempt. Default 50. */
  maxLogLines?: number;
  /** Milliseconds shutdown waits for the last rows to be written. Default 5000. */
  flushTimeout?: number;
  /**
   * Milliseconds after an attempt ended in the queue before its row is checked against the queue's event stream and,
   * if the process that ran it died before writing it, recovered. Default 5000; at least 3 × `flushInterval`.
   */
  recoverAfter?: number;
  /** The relay that moves jobs added with `transaction` from the outbox table to their queues. */
  outbox?: JobOutboxOptions;
}

/** `history.outbox`: how often and how much the relay of jobs added inside the host's transactions reads. */
export interface JobOutboxOptions {
  /** Milliseconds between two reads of the outbox table while it is empty. Default 200. */
  pollInterval?: number;
  /** Rows moved per read (and per transaction). Default 100. */
  batchSize?: number;
}

export interface ExecutionQuery {
  name?: string;
  status?: ExecutionStatus;
  queue?: string;
  jobId?: string;
  /** Runs of this `JobDefinition`. */
  definitionId?: string;
  /** Attempts that started at or after this moment. */
  from?: Date;
  /** Attempts that started before this moment. */
  to?: Date;
  /** Default 50, at most 500. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ExecutionPage<T> {
  items: T[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

export interface ExecutionStatsQuery {
  name?: string;
  queue?: string;
  /** Default: a day before `until`. */
  since?: Date;
  /** Default: now. */
  until?: Date;
}

export interface ExecutionStats {
  since: Date;
  until: Date;
  /** Attempts started in the window. */
  total: number;
  byStatus: Partial<Record<ExecutionStatus, number>>;
  /** Completed attempts per minute over the window. */
  throughputPerMinute: number;
  /** Milliseconds, over finished attempts; absent when there are none. */
  meanDurationMs?: number;
  p95DurationMs?: number;
}

/** What a run-time job definition is made of; `name` and `handler` are required on create. */
export interface JobDefinitionInput {
  name: string;
  handler: string;
  data?: unknown;
  /** Cron expression; null or absent: runs only when executed. */
  cron?: string | null;
  timeZone?: string | null;
  enabled?: boolean;
  attempts?: number | null;
  timeout?: number | null;
  memo?: string | null;
  tags?: string[] | null;
  /** Who made the change, as the host identifies users. */
  by?: string;
}
