import type { JobActiveEvent, JobCompletedEvent, JobEvent, JobFailedEvent, JobRetryingEvent } from '../interfaces/job-event.interface.js';
import type { ExecutionStatus } from '../interfaces/job-history.interface.js';
import type { JobExecution } from './entities/job-execution.entity.js';
import { redactEvent } from './redaction.js';

export type ExecutionRow = Omit<JobExecution, 'id'>;

type RowEvent = JobActiveEvent | JobCompletedEvent | JobRetryingEvent | JobFailedEvent;
const MAX_LOG_LINE = 2_000;

export const rowKey = (r: { queue: string; jobId: string; attempt: number }) => `${r.queue}\u0000${r.jobId}\u0000${r.attempt}`;
const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

export interface RowSettings {
  redact: ReadonlySet<string>;
  maxLogLines: number;
  workerHost: string;
  workerPid: number;
}

/**
 * Turns lifecycle events into execution rows, one per attempt. The row of an attempt that runs here is kept until it
 * ends, so progress and log lines only change it in memory and the final write carries everything. A stall writes no
 * row: BullMQ runs the same attempt again, and the re-run writes it (the stall's report may come after the re-run ended).
 */
export class ExecutionRows {
  private readonly open = new Map<string, ExecutionRow>();

  constructor(private readonly settings: RowSettings) {}

  /** Returns the row to write when the event starts or ends an attempt; progress and log lines amend a row in place. */
  apply(raw: JobEvent): ExecutionRow | undefined {
    const event = redactEvent(raw, this.settings.redact);
    switch (event.type) {
      case 'active': {
        const row = this.newRow(event, event.attempt, 'running', true);
        this.open.set(rowKey(row), row);
        return row;
      }
      case 'progress':
      case 'log': {
        const row = this.open.get(rowKey({ queue: event.queue, jobId: event.jobId, attempt: event.attempt ?? 0 }));
        if (row && event.type === 'progress') row.progress = event.progress;
        if (row && event.type === 'log' && (row.logs ??= []).length < this.settings.maxLogLines)
          row.logs.push(event.log.slice(0, MAX_LOG_LINE));
        return undefined;
      }
      case 'completed':
      case 'retrying':
      case 'failed':
      case 'timeout':
      case 'cancelled':
        return this.ended(event);
      default:
        return undefined;
    }
  }

  get running(): number {
    return this.open.size;
  }

  private ended(event: JobCompletedEvent | JobRetryingEvent | JobFailedEvent): ExecutionRow {
    const key = rowKey({ queue: event.queue, jobId: event.jobId, attempt: event.attempt });
    const status: ExecutionStatus = event.type;
    const row = this.open.get(key) ?? this.newRow(event, event.attempt, status, false);
    this.open.delete(key);
    row.status = status;
    row.finishedAt = new Date(event.type === 'retrying' ? event.timestamp : event.finishedAt);
    row.durationMs = row.startedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null;
    if (event.type === 'completed') row.result = event.result ?? null;
    else if (event.error) {
      row.errorMessage = event.error.message;
      row.errorStack = event.error.stack ?? null;
    }
    return row;
  }

  private newRow(event: RowEvent, attempt: number, status: ExecutionStatus, ranHere: boolean): ExecutionRow {
    return {
      jobId: event.jobId,
      queue: event.queue,
      name: event.name,
      status,
      attempt,
      maxAttempts: event.maxAttempts ?? 1,
      data: event.data ?? null,
      result: null,
      errorMessage: null,
      errorStack: null,
      progress: null,
      logs: null,
      enqueuedAt: date(event.enqueuedAt),
      startedAt: date(event.startedAt),
      recovered: false,
      finishedAt: null,
      durationMs: null,
      workerHost: ranHere ? this.settings.workerHost : null,
      workerPid: ranHere ? this.settings.workerPid : null,
      schedule: event.schedule ?? null,
      definitionId: event.definitionId ?? null,
    };
  }
}
