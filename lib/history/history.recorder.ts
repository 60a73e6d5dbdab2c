import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { JobEventBus } from '../runtime/job-event.bus.js';
import { within } from '../within.js';
import type { JobExecution } from './entities/job-execution.entity.js';
import { ExecutionRows, rowKey, type ExecutionRow } from './execution-rows.js';
import { upsertExecutions } from './execution-upsert.js';
import { EXECUTION_REPOSITORY, HISTORY_OPTIONS } from './history.constants.js';
import type { ResolvedHistoryOptions } from './history.options.js';
import { redactionKeys } from './redaction.js';

const MAX_RETRY_DELAY = 30_000;

/**
 * Writes the lifecycle stream to `job_executions` in batches, off the job's path. Each write is an upsert keyed by
 * (queue, job id, attempt), so a batch retried after an outage never duplicates a row. While the database cannot be
 * written, rows wait in a bounded buffer and writes retry with backoff; the outage is logged once, with counts.
 */
@Injectable()
export class HistoryRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobsModule');
  private readonly rows: ExecutionRows;
  private readonly pending = new Map<string, ExecutionRow>();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failures = 0;
  private dropped = 0;
  private closed = false;

  constructor(
    @Inject(EXECUTION_REPOSITORY) private readonly executions: Repository<JobExecution>,
    private readonly bus: JobEventBus,
    @Inject(HISTORY_OPTIONS) private readonly options: ResolvedHistoryOptions,
  ) {
    this.rows = new ExecutionRows({
      redact: redactionKeys(options.redact),
      maxLogLines: options.maxLogLines,
      workerHost: hostname(),
      workerPid: process.pid,
    });
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe({ event: '*' }, (event) => {
      const row = this.rows.apply(event);
      if (row) this.hold(row);
    });
  }

  /** Rows waiting to be written. */
  get backlog(): number {
    return this.pending.size;
  }

  /** Writes every waiting row now; resolves once they are written or the write failed (they then wait for the next). */
  flush(): Promise<void> {
    return this.startWrite(true);
  }

  /** Runs after the workers have stopped, before the host's DataSource closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    const deadline = Date.now() + this.options.flushTimeout;
    // A write to an unreachable database may hang; shutdown waits for it no longer than flushTimeout.
    while (this.pending.size && (await within(this.flush(), deadline - Date.now())) && this.pending.size && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
    clearTimeout(this.timer);
    if (this.pending.size) this.logger.error(`${this.pending.size} job history row(s) could not be written before shutdown and are lost.`);
  }

  private hold(row: ExecutionRow): void {
    const key = rowKey(row);
    if (!this.pending.has(key) && this.pending.size >= this.options.bufferSize) {
      if (this.dropped++ === 0) {
        this.logger.error(
          `Job history buffer is full (${this.options.bufferSize} rows): new executions are not recorded until the database accepts writes again.`,
        );
      }
      return;
    }
    this.pending.set(key, row);
    // While writes fail, the backoff timer alone decides when to try again.
    if (this.failures > 0) return;
    if (this.pending.size >= this.options.batchSize) void this.startWrite(false);
    else this.schedule(this.options.flushInterval);
  }

  private schedule(delay: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.startWrite(false);
    }, delay);
  }

  /** One write at a time; `all` (a flush) writes attempts still running too. */
  private startWrite(all: boolean): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return (this.flushing ??= this.writePending(all).finally(() => (this.flushing = undefined)));
  }

  /**
   * The oldest rows, without copying the whole buffer (it may hold thousands while the database lags). Unless `all`,
   * an attempt that started less than `flushInterval` ago waits for the next write: most end by then and are written
   * once, not as an insert and an update.
   */
  private nextBatch(all: boolean): Array<[string, ExecutionRow]> {
    const startedBefore = Date.now() - this.options.flushInterval;
    const batch: Array<[string, ExecutionRow]> = [];
    for (const entry of this.pending) {
      const row = entry[1];
      if (!all && row.status === 'running' && row.startedAt && row.startedAt.getTime() > startedBefore) continue;
      batch.push(entry);
      if (batch.length === this.options.batchSize) break;
    }
    return batch;
  }

  private async writePending(all: boolean): Promise<void> {
    for (let batch = this.nextBatch(all); batch.length; batch = this.nextBatch(all)) {
      for (const [key] of batch) this.pending.delete(key);
      try {
        await this.write(batch.map(([, row]) => row));
      } catch (err) {
        // The database answers yet refused the batch: some rows may be ones it will never take.
        if ((await this.reachable()) && (await this.writeOneByOne(batch))) {
          this.written();
          continue;
        }
        for (const [key, row] of batch) if (!this.pending.has(key)) this.pending.set(key, row);
        this.failed(err as Error);
        return;
      }
      this.written();
    }
    // Attempts held back above are written at the next turn.
    if (this.pending.size) this.schedule(this.options.flushInterval);
  }

  private async write(rows: ExecutionRow[]): Promise<void> {
    // The statement's values are taken before it is sent, so an open row may go on changing (progress, logs).
    await upsertExecutions(this.executions, rows);
  }

  private reachable(): Promise<boolean> {
    return this.executions.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  /**
   * Writes rows singly. Only once one of them is written is a row that fails taken to be one the database refuses
   * for good, and dropped; until then failures count as an outage (false is returned and nothing is dropped).
   */
  private async writeOneByOne(batch: Array<[string, ExecutionRow]>): Promise<boolean> {
    const refused: Array<[ExecutionRow, Error]> = [];
    let written = 0;
    for (const [, row] of batch) {
      if (!written && refused.length >= 3) return false;
      try {
        await this.write([row]);
        written++;
      } catch (err) {
        refused.push([row, err as Error]);
      }
    }
    if (!written) return false;
    for (const [row, err] of refused) {
      this.logger.error(
        `Job history row of ${row.name}#${row.jobId} (attempt ${row.attempt}) was refused by the database and is dropped: ${err.message}`,
      );
    }
    return true;
  }

  private failed(err: Error): void {
    if (this.failures++ === 0) {
      this.logger.error(`Job history database cannot be written (${err.message}); ${this.pending.size} row(s) held, retrying.`);
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule(Math.min(MAX_RETRY_DELAY, 500 * 2 ** (this.failures - 1)));
  }

  private written(): void {
    if (this.failures === 0) return;
    const lost = this.dropped ? `; ${this.dropped} execution(s) were not recorded while the buffer was full` : '';
    this.logger.log(`Job history database is written again after ${this.failures} failed write(s)${lost}.`);
    this.failures = this.dropped = 0;
  }
}
