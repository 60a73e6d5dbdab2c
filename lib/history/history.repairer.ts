import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Job, type QueueEvents } from 'bullmq';
import type { Repository } from 'typeorm';
import { BullMqFactory } from '../runtime/bullmq.factory.js';
import { QueueRegistry } from '../runtime/queue.registry.js';
import { JobExecution } from './entities/job-execution.entity.js';
import type { JobHistoryCursor } from './entities/job-history-cursor.entity.js';
import { upsertExecutions } from './execution-upsert.js';
import { HistoryCursors, LeaseLostError } from './history-cursors.js';
import { CURSOR_REPOSITORY, EXECUTION_REPOSITORY, HISTORY_OPTIONS } from './history.constants.js';
import type { ResolvedHistoryOptions } from './history.options.js';
import { isRecorded, rankOf, recoveredRows, rowFromStreamOnly, type StoredAttempt, type StreamOutcome } from './recovered-rows.js';
import { redactionKeys } from './redaction.js';
import { within } from '../within.js';
import { FaultLog } from '../runtime/fault-log.js';
import { fromQueueId } from '../policy/job-ids.js';
import { rowKey, type ExecutionRow } from './execution-rows.js';

const LEASE_MS = 10_000;
const TICK_MS = 1_000;
const BATCH = 1_000;
const SWEEP_PAGE = 500;
const SHUTDOWN_WAIT_MS = 5_000;
/** Jobs read from the queue between two renewals of the lease during one batch or sweep. */
const LEASE_CHECK_EVERY = 100;
/** The stream events the reader takes; the rest (progress, drained, …) say nothing of an attempt's end. */
const STREAM_EVENTS = ['completed', 'failed', 'waiting', 'delayed', 'added', 'active', 'removed'];
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
 * as the queue still keeps it, and then stores how far it has read. The processes' own rows stay
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
  private readonly fault = new FaultLog(this.logger, 'Job history recovery');
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
    // A check blocked on a backend that does not answer must not hold the application's close.
    await within(this.ticking ?? Promise.resolve(), SHUTDOWN_WAIT_MS);
    await Promise.allSettled([...this.readers.values()].map((r) => this.stopReading(r, true)));
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.ticking = this.tick(false).finally(() => {
        this.ticking = undefined;
        if (this.timer) this.schedule(this.fault.count ? Math.min(30_000, TICK_MS * 2 ** this.fault.count) : TICK_MS);
      });
    }, delay);
  }

  private async tick(all: boolean): Promise<void> {
    try {
      for (const reader of this.readers.values()) await this.step(reader, all);
      this.fault.succeeded();
    } catch (err) {
      this.fault.failed(err as Error);
    }
  }

  private async step(reader: QueueReader, all: boolean): Promise<void> {
    // Past the cap the reader stops; it starts again from the stored position, which the stream still holds.
    if (reader.overflow) await this.stopReading(reader, false);
    if (!reader.events) {
      const position = await this.cursors.acquire(reader.key);
      if (position === undefined) return;
      await this.startReading(reader, position);
    } else if (Date.now() - reader.renewedAt > LEASE_MS / 3 && (await this.cursors.acquire(reader.key)) === undefined) {
      return this.stopReading(reader, false);
    }
    const before = Date.now() - (all ? 0 : this.options.recoverAfter);
    while (reader.held.length && reader.held[0].at <= before) {
      const batch = reader.held.slice(0, BATCH).filter((e) => e.at <= before);
      try {
        await this.check(reader, batch);
      } catch (err) {
        if (err instanceof LeaseLostError) return this.stopReading(reader, false);
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
        const found = await this.sweep(reader.queue, reader.key, gap.since ?? 0);
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
    if (position === null) await this.cursors.advance(this.executions.manager, reader.key, from);
    reader.position = from;
    const events = this.factory.queueEvents(reader.queue, from);
    events.on('error', () => undefined);
    for (const name of STREAM_EVENTS) {
      (events as unknown as NodeJS.EventEmitter).on(name, (fields: Record<string, string>, id: string) => {
        if (reader.held.length >= MAX_HELD) return void (reader.overflow = true);
        if (!reader.overflow) reader.held.push({ id, jobId: fields.jobId, outcome: reader.outcomeOf(name, fields), at: Date.now() });
      });
    }
    reader.events = events;
    this.logger.log(`Job history: this instance checks the event stream of queue "${reader.queue}".`);
  }

  private async stopReading(reader: QueueReader, release: boolean): Promise<void> {
    const events = reader.events;
    reader.events = undefined;
    reader.held = [];
    reader.overflow = false;
    reader.added.clear();
    await events?.close().catch(() => undefined);
    if (release && events) await this.cursors.release(reader.key).catch(() => undefined);
  }

  /** After a gap: every finished job the queue still keeps, ended since `since`, checked against history. */
  private async sweep(queue: string, key: string, since: number): Promise<number> {
    let written = 0;
    for (const state of ['completed', 'failed'] as const) {
      for (let start = 0; ; start += SWEEP_PAGE) {
        // Newest first: a page that reaches past `since` is the last one needed.
        const jobs = (await this.queues.get(queue).getJobs([state], start, start + SWEEP_PAGE - 1)).filter((j): j is Job => !!j);
        const ended = jobs.filter((j) => (j.finishedOn ?? 0) >= since);
        const stored = ended.length
          ? await this.storedAttempts(
              queue,
              ended.map((j) => j.id!),
            )
          : new Map<string, StoredAttempt[]>();
        const rows: ExecutionRow[] = [];
        for (const job of ended) {
          const outcome: StreamOutcome =
            state === 'completed' ? { kind: 'completed', result: job.returnvalue } : { kind: 'failed', reason: job.failedReason };
          const attempts = stored.get(job.id!) ?? [];
          if (!isRecorded(outcome, attempts)) rows.push(...(await this.rowsOf(queue, job, outcome, attempts, state)));
        }
        if (rows.length) await upsertExecutions(this.executions, rows);
        written += rows.length;
        if (jobs.length < SWEEP_PAGE || ended.length < jobs.length) break;
        if ((await this.cursors.acquire(key)) === undefined) throw new LeaseLostError(key);
      }
    }
    this.stats.recovered += written;
    return written;
  }

  private async rowsOf(
    queue: string,
    job: Job,
    outcome: StreamOutcome,
    attempts: StoredAttempt[],
    state?: string,
  ): Promise<ExecutionRow[]> {
    const [known, { logs }] = await Promise.all([
      state ?? job.getState(),
      this.queues.get(queue).getJobLogs(job.id!, -this.options.maxLogLines, -1),
    ]);
    return recoveredRows(job, known, outcome, attempts, { redact: this.redact, maxLogLines: this.options.maxLogLines }, logs);
  }

  /**
   * One batch: which ended attempts lack their row, and those rows; then the new position. Rows are written before the
   * position moves, so a batch cut short is checked again (and finds its rows written: writes are idempotent).
   */
  private async check(reader: QueueReader, batch: StreamEvent[]): Promise<void> {
    const { queue, key } = reader;
    const position = batch[batch.length - 1].id;
    // Events committed after later ones (PostgreSQL assigns ids before commit) were passed over by the reader.
    const read = new Set(batch.map((e) => e.id));
    const missed = (await this.factory.eventsBetween(this.queues.get(queue), reader.position, position)).filter((e) => !read.has(e.id));
    const all = missed.length
      ? [
          ...batch,
          ...missed.map((e) => ({ id: e.id, jobId: e.fields.jobId, outcome: reader.outcomeOf(e.event, e.fields), at: Date.now() })),
        ]
      : batch;
    const relevant = all.filter((e) => e.outcome);
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
        // A long batch keeps the lease: another instance must not take the queue over half way.
        if (seen.size % LEASE_CHECK_EVERY === 0 && (await this.cursors.acquire(reader.key)) === undefined)
          throw new LeaseLostError(reader.key);
        const job = await Job.fromId(this.queues.get(queue), event.jobId);
        if (!job) {
          const row = rowFromStreamOnly(event.jobId, queue, event.outcome!, attempts, event.at, {
            redact: this.redact,
            maxLogLines: this.options.maxLogLines,
          });
          if (row) {
            rows.push(row);
            partial++;
            attempts.push({ attempt: row.attempt, status: row.status, name: row.name });
          }
          continue;
        }
        for (const row of await this.rowsOf(queue, job, event.outcome!, attempts)) {
          rows.push(row);
          attempts.push({ attempt: row.attempt, status: row.status, name: row.name });
        }
      }
    }
    // PostgreSQL refuses an upsert that touches one row twice: one row per attempt, the furthest.
    const unique = new Map<string, ExecutionRow>();
    for (const row of rows) {
      const id = rowKey(row);
      const kept = unique.get(id);
      if (!kept || rankOf(row.status) > rankOf(kept.status)) unique.set(id, row);
    }
    if (unique.size) {
      await upsertExecutions(this.executions, [...unique.values()]);
      // Counted once written, whatever happens to the position next.
      this.stats.recovered += unique.size;
      this.stats.partial += partial;
      this.logger.warn(
        `Job history: recovered ${unique.size} row(s) of queue "${queue}" that the process running them did not write${partial ? ` (${partial} with the stream's result only: the queue had removed the job)` : ''}.`,
      );
    }
    await this.cursors.advance(this.executions.manager, key, position);
    reader.position = position;
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
  /** The stored position: the last event checked. */
  position = '';
  /** More events arrived than `MAX_HELD`; the reader starts again from `position`. */
  overflow = false;

  /** What an event of the stream says of an attempt's end, if anything. */
  outcomeOf(event: string, fields: Record<string, string>): StreamOutcome | undefined {
    const jobId = fields.jobId;
    switch (event) {
      case 'completed':
        return { kind: 'completed', result: fields.returnvalue };
      case 'failed':
        return { kind: 'failed', reason: fields.failedReason };
      // A job that ran and is waiting again: a retry, or a stall or shutdown that handed it back (then no attempt ended).
      case 'waiting':
        return fields.prev === 'active' ? { kind: 'retried' } : undefined;
      case 'delayed':
        return this.added.delete(jobId) ? undefined : { kind: 'retried' };
      case 'added':
        this.added.add(jobId);
        return undefined;
      case 'active':
      case 'removed':
        this.added.delete(jobId);
        return undefined;
      default:
        return undefined;
    }
  }

  constructor(
    readonly queue: string,
    /** The row of `job_history_cursors`: the queue in its namespace. */
    readonly key: string,
  ) {}
}
