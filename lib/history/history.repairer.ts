import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Job, type QueueEvents } from 'bullmq';
import type { Repository } from 'typeorm';
import { BullMqFactory } from '../runtime/bullmq.factory.js';
import { QueueRegistry } from '../runtime/queue-registry.js';
import { JobExecution } from './entities/job-execution.entity.js';
import type { JobHistoryCursor } from './entities/job-history-cursor.entity.js';
import { upsertExecutions } from './execution-upsert.js';
import { HistoryCursors, LeaseLostError } from './history-cursors.js';
import { CURSOR_REPOSITORY, EXECUTION_REPOSITORY, HISTORY_OPTIONS } from './history.constants.js';
import type { ResolvedHistoryOptions } from './history.options.js';
import { isRecorded, recoveredRows, rowFromStreamOnly, type StoredAttempt, type StreamOutcome } from './recovered-rows.js';
import { redactionKeys } from './redaction.js';
import { fromQueueId } from '../runtime/job-ids.js';
import type { ExecutionRow } from './execution-rows.js';

const LEASE_MS = 10_000;
const TICK_MS = 1_000;
const BATCH = 1_000;
const SWEEP_PAGE = 500;
/**
 * Events held in memory per queue: past it the oldest are checked without waiting `recoverAfter`, and if history
 * cannot be written the reader stops and starts again from the stored position once it can (the stream keeps them).
 */
const MAX_HELD = 200_000;

interface StreamEvent {
  id: string;
  jobId: string;
  outcome?: StreamOutcome;
  at: number;
}

/** Counts since start, for metrics and tests. */
export interface RepairStats {
  /** Rows written from the event stream because the process that ran the attempt did not write them. */
  recovered: number;
  /** Of those, rows of jobs the queue had already removed: only the stream's result or reason is in them. */
  partial: number;
  /** Times the stream had been trimmed past the stored position: attempts in between may have no row. */
  gaps: number;
}

/**
 * Makes history independent of the process that ran an attempt. BullMQ writes every state change to the queue's event
 * stream in the same atomic step as the change; one instance per queue (a lease in the host database) reads that
 * stream `recoverAfter` ms behind, checks that every ended attempt has its row, writes the missing ones from the job
 * as the queue still keeps it, and stores how far it has read in the same transaction. The processes' own rows stay
 * the normal path; this one only writes what a dead process left unwritten.
 */
@Injectable()
export class HistoryRepairer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobsModule');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly cursors: HistoryCursors;
  private readonly redact: ReadonlySet<string>;
  private readonly readers = new Map<string, QueueReader>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private failures = 0;
  readonly stats: RepairStats = { recovered: 0, partial: 0, gaps: 0 };

  constructor(
    @Inject(EXECUTION_REPOSITORY) private readonly executions: Repository<JobExecution>,
    @Inject(CURSOR_REPOSITORY) cursors: Repository<JobHistoryCursor>,
    @Inject(HISTORY_OPTIONS) private readonly options: ResolvedHistoryOptions,
    private readonly factory: BullMqFactory,
    private readonly queues: QueueRegistry,
  ) {
    this.cursors = new HistoryCursors(cursors, this.owner, LEASE_MS);
    this.redact = redactionKeys(options.redact);
  }

  onApplicationBootstrap(): void {
    // Two applications may share the database and a queue name, not a namespace.
    for (const queue of this.queues.names()) this.readers.set(queue, new QueueReader(queue, `${this.factory.namespace}/${queue}`));
    this.schedule(0);
  }

  /** Whether this instance checks the queue's stream now. */
  leads(queue: string): boolean {
    return !!this.readers.get(queue)?.events;
  }

  /** Checks every event read so far, however recent (tests, and shutdown). */
  async drain(): Promise<void> {
    await this.ticking;
    await this.tick(true);
  }

  /** Before the host's DataSource closes: the lease is given up, so another instance takes over at once. */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.allSettled([...this.readers.values()].map((r) => this.stopReading(r, true)));
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.ticking = this.tick(false).finally(() => {
        this.ticking = undefined;
        if (this.timer) this.schedule(this.failures ? Math.min(30_000, TICK_MS * 2 ** this.failures) : TICK_MS);
      });
    }, delay);
  }

  private async tick(all: boolean): Promise<void> {
    try {
      for (const reader of this.readers.values()) await this.step(reader, all);
      if (this.failures) this.logger.log(`Job history recovery is running again after ${this.failures} failed attempt(s).`);
      this.failures = 0;
    } catch (err) {
      if (this.failures++ === 0) this.logger.warn(`Job history recovery failed (${(err as Error).message}); retrying with backoff.`);
    }
  }

  private async step(reader: QueueReader, all: boolean): Promise<void> {
    if (!reader.events) {
      const position = await this.cursors.acquire(reader.key);
      if (position === undefined) return;
      await this.startReading(reader, position);
    } else if (Date.now() - reader.renewedAt > LEASE_MS / 3 && (await this.cursors.acquire(reader.key)) === undefined) {
      return this.stopReading(reader, false);
    }
    const before = Date.now() - (all ? 0 : this.options.recoverAfter);
    while (reader.held.length && (reader.held[0].at <= before || reader.held.length >= MAX_HELD)) {
      const batch = reader.held.slice(0, BATCH).filter((e) => e.at <= before || all || reader.held.length >= MAX_HELD);
      if (!batch.length) break;
      try {
        await this.check(reader, batch);
      } catch (err) {
        if (err instanceof LeaseLostError) return this.stopReading(reader, false);
        if (reader.held.length >= MAX_HELD) await this.stopReading(reader, false);
        throw err;
      }
      reader.held.splice(0, batch.length);
      reader.renewedAt = Date.now();
    }
  }

  private async startReading(reader: QueueReader, position: string | null): Promise<void> {
    if (position) {
      const gap = await this.factory.trimmedSince(this.queues.get(reader.queue), position).catch(() => undefined);
      if (gap) {
        this.stats.gaps++;
        const found = await this.sweep(reader.queue, gap.since ?? 0);
        this.logger.warn(
          `Job history: the event stream of queue "${reader.queue}" was trimmed past where it was last read (${gap.description}); ` +
            `${found} row(s) recovered from the finished jobs the queue still keeps; attempts of jobs it no longer keeps stay without a row.`,
        );
      }
    }
    reader.renewedAt = Date.now();
    reader.held = [];
    // The first time, from the stream's newest event (BullMQ's own `$` would skip what comes before its first read),
    // stored at once: an instance that takes over before this one checked anything starts there too, not at its own now.
    const from = position ?? (await this.factory.lastEventId(this.queues.get(reader.queue)));
    if (position === null) await this.executions.manager.transaction((manager) => this.cursors.advance(manager, reader.key, from));
    const events = this.factory.queueEvents(reader.queue, from);
    events.on('error', () => undefined);
    const hold = (jobId: string, id: string, outcome?: StreamOutcome) => reader.held.push({ id, jobId, outcome, at: Date.now() });
    events.on('completed', ({ jobId, returnvalue }, id) => hold(jobId, id, { kind: 'completed', result: returnvalue }));
    events.on('failed', ({ jobId, failedReason }, id) => hold(jobId, id, { kind: 'failed', reason: failedReason }));
    // A job that ran and is waiting again: a retry, or a stall or shutdown that handed it back (then no attempt ended).
    events.on('waiting', ({ jobId, prev }, id) => hold(jobId, id, prev === 'active' ? { kind: 'retried' } : undefined));
    events.on('delayed', ({ jobId }, id) => hold(jobId, id, reader.added.delete(jobId) ? undefined : { kind: 'retried' }));
    events.on('added', ({ jobId }, id) => (reader.added.add(jobId), hold(jobId, id)));
    events.on('active', ({ jobId }, id) => (reader.added.delete(jobId), hold(jobId, id)));
    reader.events = events;
    this.logger.log(`Job history: this instance checks the event stream of queue "${reader.queue}".`);
  }

  private async stopReading(reader: QueueReader, release: boolean): Promise<void> {
    const events = reader.events;
    reader.events = undefined;
    reader.held = [];
    reader.added.clear();
    await events?.close().catch(() => undefined);
    if (release && events) await this.cursors.release(reader.key).catch(() => undefined);
  }

  /** After a gap: every finished job the queue still keeps, ended since `since`, checked against history. */
  private async sweep(queue: string, since: number): Promise<number> {
    let written = 0;
    for (const state of ['completed', 'failed'] as const) {
      for (let start = 0; ; start += SWEEP_PAGE) {
        // Newest first: a page that reaches past `since` is the last one needed.
        const jobs = (await this.queues.get(queue).getJobs([state], start, start + SWEEP_PAGE - 1)).filter((j): j is Job => !!j);
        const ended = jobs.filter((j) => (j.finishedOn ?? 0) >= since);
        const stored = ended.length ? await this.storedAttempts(queue, ended.map((j) => j.id!)) : new Map<string, StoredAttempt[]>();
        const rows: ExecutionRow[] = [];
        for (const job of ended) {
          const outcome: StreamOutcome = state === 'completed' ? { kind: 'completed', result: job.returnvalue } : { kind: 'failed', reason: job.failedReason };
          const attempts = stored.get(job.id!) ?? [];
          if (!isRecorded(outcome, attempts)) rows.push(...(await this.rowsOf(queue, job, outcome, attempts, state)));
        }
        if (rows.length) await upsertExecutions(this.executions, rows);
        written += rows.length;
        if (jobs.length < SWEEP_PAGE || ended.length < jobs.length) break;
      }
    }
    this.stats.recovered += written;
    return written;
  }

  private async rowsOf(queue: string, job: Job, outcome: StreamOutcome, attempts: StoredAttempt[], state?: string): Promise<ExecutionRow[]> {
    const [known, { logs }] = await Promise.all([state ?? job.getState(), this.queues.get(queue).getJobLogs(job.id!, -this.options.maxLogLines, -1)]);
    return recoveredRows(job, known, outcome, attempts, { redact: this.redact, maxLogLines: this.options.maxLogLines }, logs);
  }

  /** One batch: which ended attempts lack their row, those rows, and the new position, in one transaction. */
  private async check({ queue, key }: QueueReader, batch: StreamEvent[]): Promise<void> {
    const relevant = batch.filter((e) => e.outcome);
    const rows: ExecutionRow[] = [];
    let partial = 0;
    if (relevant.length) {
      const stored = await this.storedAttempts(queue, [...new Set(relevant.map((e) => e.jobId))]);
      const seen = new Set<string>();
      for (const event of relevant) {
        let attempts = stored.get(event.jobId);
        if (!attempts) stored.set(event.jobId, (attempts = []));
        const key = `${event.jobId}\u0000${event.outcome!.kind}`;
        if (seen.has(key) || isRecorded(event.outcome!, attempts)) continue;
        seen.add(key);
        const job = await Job.fromId(this.queues.get(queue), event.jobId);
        if (!job) {
          const row = rowFromStreamOnly(event.jobId, queue, event.outcome!, attempts, event.at, { redact: this.redact, maxLogLines: this.options.maxLogLines });
          if (row) (rows.push(row), partial++);
          continue;
        }
        for (const row of await this.rowsOf(queue, job, event.outcome!, attempts)) {
          rows.push(row);
          attempts.push({ attempt: row.attempt, status: row.status, name: row.name });
        }
      }
    }
    const position = batch[batch.length - 1].id;
    await this.executions.manager.transaction(async (manager) => {
      if (rows.length) await upsertExecutions(manager.getRepository(JobExecution), rows);
      await this.cursors.advance(manager, key, position);
    });
    if (rows.length) {
      this.stats.recovered += rows.length;
      this.stats.partial += partial;
      this.logger.warn(`Job history: recovered ${rows.length} row(s) of queue "${queue}" that the process running them did not write${partial ? ` (${partial} with the stream's result only: the queue had removed the job)` : ''}.`);
    }
  }

  /** The rows history holds of these jobs, by BullMQ id (history itself holds the users' keys). */
  private async storedAttempts(queue: string, queueIds: string[]): Promise<Map<string, StoredAttempt[]>> {
    const keys = new Map(queueIds.map((id) => [fromQueueId(id), id]));
    const found = await this.executions
      .createQueryBuilder('e')
      .select(['e.jobId', 'e.attempt', 'e.status', 'e.name'])
      .where('e.queue = :queue AND e.jobId IN (:...jobIds)', { queue, jobIds: [...keys.keys()] })
      .getMany();
    const byJob = new Map<string, StoredAttempt[]>();
    for (const row of found) {
      const id = keys.get(row.jobId)!;
      const list = byJob.get(id) ?? [];
      list.push({ attempt: row.attempt, status: row.status, name: row.name });
      byJob.set(id, list);
    }
    return byJob;
  }
}

/** The stream of one queue as this instance reads it while it holds the lease. */
class QueueReader {
  events?: QueueEvents;
  /** Events read and not yet checked, oldest first. */
  held: StreamEvent[] = [];
  /** Jobs seen added and not yet started: their `delayed` event is a delayed add, not a retry. */
  readonly added = new Set<string>();
  renewedAt = 0;

  constructor(
    readonly queue: string,
    /** The row of `job_history_cursors`: the queue in its namespace. */
    readonly key: string,
  ) {}
}
