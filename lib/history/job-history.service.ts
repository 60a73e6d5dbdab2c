import { Inject, Injectable } from '@nestjs/common';
import { Brackets, type Repository, type SelectQueryBuilder } from 'typeorm';
import { InvalidJobOptionsError, JobExecutionNotFoundError, JobStateError } from '../jobs.errors.js';
import type { JobHandle } from '../interfaces/job-info.interface.js';
import { JobService } from '../job.service.js';
import {
  EXECUTION_STATUSES,
  type ExecutionPage,
  type ExecutionQuery,
  type ExecutionStats,
  type ExecutionStatsQuery,
  type ExecutionStatus,
} from '../interfaces/job-history.interface.js';
import { isStorableDate, STORABLE_DATE_RULE } from '../policy/dates.js';
import { JobExecution } from './entities/job-execution.entity.js';
import { EXECUTION_REPOSITORY, HISTORY_OPTIONS } from './history.constants.js';
import { REDACTED } from './redaction.js';
import type { ResolvedHistoryOptions } from './history.options.js';

const DAY = 86_400_000;
const RETRYABLE = new Set<ExecutionStatus>(['failed', 'timeout', 'cancelled']);
/** Ids are bigint: more digits than 18 cannot be one, and PostgreSQL would refuse to compare them. */
const isRowId = (id: string) => /^\d{1,18}$/.test(id);
/** A date the history databases can compare with: a filter outside 1970-9999 is refused here, not by the query. */
const isDate = (v: unknown): v is Date => v instanceof Date && isStorableDate(v);

/**
 * Reads and prunes the execution history, and runs a recorded failure again. Bigint ids come back as strings on every
 * database.
 */
@Injectable()
export class JobHistoryService {
  constructor(
    @Inject(EXECUTION_REPOSITORY) private readonly executions: Repository<JobExecution>,
    @Inject(HISTORY_OPTIONS) private readonly options: ResolvedHistoryOptions,
    private readonly jobs: JobService,
  ) {}

  /**
   * Newest first: by start time when `from` or `to` is given (the index of a time range), else by insertion. Pass
   * `nextCursor` back as `cursor` for the next page, with the same filters.
   */
  async find(query: ExecutionQuery = {}): Promise<ExecutionPage<JobExecution>> {
    const limit = query.limit ?? 50;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 500))
      throw new InvalidJobOptionsError('limit', `must be an integer from 1 to 500; got ${JSON.stringify(limit)}.`);
    if (query.cursor !== undefined && !isRowId(query.cursor))
      throw new InvalidJobOptionsError('cursor', `must be a cursor from a previous page; got ${JSON.stringify(query.cursor)}.`);
    if (query.status !== undefined && !EXECUTION_STATUSES.includes(query.status)) {
      throw new InvalidJobOptionsError('status', `must be one of ${EXECUTION_STATUSES.join(', ')}; got ${JSON.stringify(query.status)}.`);
    }
    for (const key of ['from', 'to'] as const) {
      if (query[key] !== undefined && !isDate(query[key]))
        throw new InvalidJobOptionsError(key, `must be a valid Date ${STORABLE_DATE_RULE}; got ${JSON.stringify(query[key])}.`);
    }
    const qb = this.executions.createQueryBuilder('e');
    for (const key of ['name', 'status', 'queue', 'jobId', 'definitionId'] as const) {
      if (query[key] !== undefined) qb.andWhere(`e.${key} = :${key}`, { [key]: query[key] });
    }
    if (query.from) qb.andWhere('e.startedAt >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.startedAt < :to', { to: query.to });
    // A time range is paged by start time, so that its index (started_at, id) gives the page at any table size; other
    // pages by id, which grows with insertion. The cursor is a row id either way: its start time is read by key.
    const byStart = !!(query.from || query.to);
    if (query.cursor && byStart) {
      const at = qb.subQuery().select('c.startedAt').from(JobExecution, 'c').where('c.id = :cursor').getQuery();
      qb.andWhere(`e.startedAt <= ${at} AND (e.startedAt < ${at} OR e.id < :cursor)`, { cursor: query.cursor });
    } else if (query.cursor) qb.andWhere('e.id < :cursor', { cursor: query.cursor });
    if (byStart) qb.orderBy('e.startedAt', 'DESC').addOrderBy('e.id', 'DESC');
    else qb.orderBy('e.id', 'DESC');
    const rows = await qb.take(limit + 1).getMany();
    const items = rows.slice(0, limit).map(withStringId);
    return rows.length > limit ? { items, nextCursor: items[items.length - 1].id } : { items };
  }

  async get(id: string): Promise<JobExecution | null> {
    if (!isRowId(id)) return null;
    const row = await this.executions.findOneBy({ id });
    return row && withStringId(row);
  }

  /** Every recorded attempt of one job, first attempt first. */
  async attempts(jobId: string): Promise<JobExecution[]> {
    const rows = await this.executions.find({ where: { jobId }, order: { attempt: 'ASC' } });
    return rows.map(withStringId);
  }

  /** Counts by status, completed per minute, and mean and 95th-percentile duration of finished attempts in a window. */
  async stats(query: ExecutionStatsQuery = {}): Promise<ExecutionStats> {
    const until = query.until ?? new Date();
    if (!isDate(until))
      throw new InvalidJobOptionsError('until', `must be a valid Date ${STORABLE_DATE_RULE}; got ${JSON.stringify(query.until)}.`);
    const since = query.since ?? new Date(until.getTime() - DAY);
    if (!isDate(since) || since >= until)
      throw new InvalidJobOptionsError(
        'since',
        `must be a valid Date ${STORABLE_DATE_RULE}, before until; got ${JSON.stringify(query.since)}.`,
      );
    const scope = (qb: SelectQueryBuilder<JobExecution>) => {
      qb.where('e.startedAt >= :since AND e.startedAt < :until', { since, until });
      if (query.name !== undefined) qb.andWhere('e.name = :name', { name: query.name });
      if (query.queue !== undefined) qb.andWhere('e.queue = :queue', { queue: query.queue });
      return qb;
    };
    const counts = await scope(this.executions.createQueryBuilder('e'))
      .select('e.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .groupBy('e.status')
      .getRawMany<{ status: ExecutionStatus; count: string | number }>();
    const byStatus: ExecutionStats['byStatus'] = Object.fromEntries(counts.map((c) => [c.status, Number(c.count)]));
    const total = counts.reduce((sum, c) => sum + Number(c.count), 0);
    const minutes = (until.getTime() - since.getTime()) / 60_000;
    const summary = { since, until, total, byStatus, throughputPerMinute: Math.round(((byStatus.completed ?? 0) / minutes) * 100) / 100 };
    const finished = () => scope(this.executions.createQueryBuilder('e')).andWhere('e.durationMs IS NOT NULL');
    const postgres = this.executions.manager.connection.options.type === 'postgres';
    // PostgreSQL takes the percentile in the same pass (the value at rank ceil(0.95 n), as below); the others have no
    // such aggregate, so the row at that rank is read apart.
    const { n, mean, percentile } = (await finished()
      .select('COUNT(*)', 'n')
      .addSelect('AVG(e.durationMs)', 'mean')
      .addSelect(postgres ? 'percentile_disc(0.95) WITHIN GROUP (ORDER BY e.duration_ms)' : 'NULL', 'percentile')
      .getRawOne<{ n: string | number; mean: string | number | null; percentile: string | number | null }>())!;
    if (!Number(n)) return summary;
    if (postgres && percentile !== null) return { ...summary, meanDurationMs: Math.round(Number(mean)), p95DurationMs: Number(percentile) };
    // Percentiles without database-specific functions: the value at rank ceil(0.95 n) of the sorted durations.
    const p95 = await finished()
      .select('e.durationMs', 'duration')
      .orderBy('e.durationMs', 'ASC')
      .offset(Math.ceil(0.95 * Number(n)) - 1)
      .limit(1)
      .getRawOne<{ duration: string | number }>();
    const meanDurationMs = Math.round(Number(mean));
    // Rows pruned between the two reads leave no row at that rank.
    return p95 ? { ...summary, meanDurationMs, p95DurationMs: Number(p95.duration) } : { ...summary, meanDurationMs };
  }

  /**
   * Runs the job of a failed, timed-out or cancelled execution again: in place while BullMQ still holds the job, or as a
   * new job with the recorded name and data once it is gone (unless redaction left the data incomplete).
   */
  async retry(id: string): Promise<JobHandle> {
    const execution = await this.get(id);
    if (!execution) throw new JobExecutionNotFoundError(id);
    if (!RETRYABLE.has(execution.status)) throw new JobStateError(execution.jobId, execution.status, 'retry');
    const { jobId, name, queue } = execution;
    const live = await this.jobs.get(jobId, queue);
    if (live) {
      await this.jobs.retry(jobId, queue);
      return { id: jobId, name, queue };
    }
    if (JSON.stringify(execution.data ?? null).includes(JSON.stringify(REDACTED))) {
      throw new JobStateError(jobId, 'gone from its queue and its recorded data is redacted', 'retry');
    }
    return this.jobs.add(name, execution.data ?? {}, {});
  }

  /** Deletes executions past `retentionDays`, and beyond the newest `keepPerName` per job name; returns how many. */
  async prune(now = new Date()): Promise<number> {
    let deleted = 0;
    if (this.options.retentionDays > 0) {
      const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY);
      const result = await this.executions
        .createQueryBuilder()
        .delete()
        .where(
          new Brackets((w) =>
            w.where('started_at < :cutoff', { cutoff }).orWhere('started_at IS NULL AND finished_at < :cutoff', { cutoff }),
          ),
        )
        .execute();
      deleted += result.affected ?? 0;
    }
    const keep = this.options.keepPerName;
    if (keep) {
      const names = await this.executions.createQueryBuilder('e').select('DISTINCT e.name', 'name').getRawMany<{ name: string }>();
      for (const { name } of names) {
        const oldestKept = await this.executions
          .createQueryBuilder('e')
          .select('e.id', 'id')
          .where('e.name = :name', { name })
          .orderBy('e.id', 'DESC')
          .offset(keep - 1)
          .limit(1)
          .getRawOne<{ id: string | number }>();
        if (!oldestKept) continue;
        const result = await this.executions
          .createQueryBuilder()
          .delete()
          .where('name = :name AND id < :id', { name, id: oldestKept.id })
          .execute();
        deleted += result.affected ?? 0;
      }
    }
    return deleted;
  }
}

function withStringId(row: JobExecution): JobExecution {
  row.id = String(row.id);
  return row;
}
