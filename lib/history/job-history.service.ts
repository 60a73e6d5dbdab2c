import { Inject, Injectable } from '@nestjs/common';
import { Brackets, type Repository, type SelectQueryBuilder } from 'typeorm';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import {
  EXECUTION_STATUSES,
  type ExecutionPage,
  type ExecutionQuery,
  type ExecutionStats,
  type ExecutionStatus,
} from '../interfaces/job-history.interface.js';
import { JobExecution } from './entities/job-execution.entity.js';
import { EXECUTION_REPOSITORY, HISTORY_OPTIONS } from './history.constants.js';
import type { ResolvedHistoryOptions } from './history.options.js';

const DAY = 86_400_000;
const isDate = (v: unknown): v is Date => v instanceof Date && !Number.isNaN(v.getTime());

/** Reads and prunes the execution history. Bigint ids come back as strings on every database. */
@Injectable()
export class JobHistoryService {
  constructor(
    @Inject(EXECUTION_REPOSITORY) private readonly executions: Repository<JobExecution>,
    @Inject(HISTORY_OPTIONS) private readonly options: ResolvedHistoryOptions,
  ) {}

  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  async find(query: ExecutionQuery = {}): Promise<ExecutionPage<JobExecution>> {
    const limit = query.limit ?? 50;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 500)) throw new InvalidJobOptionsError('limit', `must be an integer from 1 to 500; got ${JSON.stringify(limit)}.`);
    if (query.cursor !== undefined && !/^\d+$/.test(query.cursor)) throw new InvalidJobOptionsError('cursor', `must be a cursor from a previous page; got ${JSON.stringify(query.cursor)}.`);
    if (query.status !== undefined && !EXECUTION_STATUSES.includes(query.status)) {
      throw new InvalidJobOptionsError('status', `must be one of ${EXECUTION_STATUSES.join(', ')}; got ${JSON.stringify(query.status)}.`);
    }
    for (const key of ['from', 'to'] as const) {
      if (query[key] !== undefined && !isDate(query[key])) throw new InvalidJobOptionsError(key, `must be a valid Date; got ${JSON.stringify(query[key])}.`);
    }
    const qb = this.executions.createQueryBuilder('e');
    for (const key of ['name', 'status', 'queue', 'jobId'] as const) {
      if (query[key] !== undefined) qb.andWhere(`e.${key} = :${key}`, { [key]: query[key] });
    }
    if (query.from) qb.andWhere('e.startedAt >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.startedAt < :to', { to: query.to });
    if (query.cursor) qb.andWhere('e.id < :cursor', { cursor: query.cursor });
    const rows = await qb.orderBy('e.id', 'DESC').take(limit + 1).getMany();
    const items = rows.slice(0, limit).map(withStringId);
    return rows.length > limit ? { items, nextCursor: items[items.length - 1].id } : { items };
  }

  async get(id: string): Promise<JobExecution | null> {
    if (!/^\d+$/.test(id)) return null;
    const row = await this.executions.findOneBy({ id });
    return row && withStringId(row);
  }

  /** Every recorded attempt of one job, first attempt first. */
  async attempts(jobId: string): Promise<JobExecution[]> {
    const rows = await this.executions.find({ where: { jobId }, order: { attempt: 'ASC' } });
    return rows.map(withStringId);
  }

  /** Counts by status, and mean and 95th-percentile duration of finished attempts, since `since` (default: a day ago). */
  async stats(query: { name?: string; since?: Date } = {}): Promise<ExecutionStats> {
    const since = query.since ?? new Date(Date.now() - DAY);
    if (!isDate(since)) throw new InvalidJobOptionsError('since', `must be a valid Date; got ${JSON.stringify(query.since)}.`);
    const scope = (qb: SelectQueryBuilder<JobExecution>) => {
      qb.where('e.startedAt >= :since', { since });
      if (query.name !== undefined) qb.andWhere('e.name = :name', { name: query.name });
      return qb;
    };
    const counts = await scope(this.executions.createQueryBuilder('e'))
      .select('e.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .groupBy('e.status')
      .getRawMany<{ status: ExecutionStatus; count: string | number }>();
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, Number(c.count)]));
    const total = counts.reduce((sum, c) => sum + Number(c.count), 0);
    const finished = () => scope(this.executions.createQueryBuilder('e')).andWhere('e.durationMs IS NOT NULL');
    const { n, mean } = (await finished().select('COUNT(*)', 'n').addSelect('AVG(e.durationMs)', 'mean').getRawOne<{ n: string | number; mean: string | number | null }>())!;
    if (!Number(n)) return { total, byStatus };
    // Percentiles without database-specific functions: the value at rank ceil(0.95 n) of the sorted durations.
    const p95 = await finished()
      .select('e.durationMs', 'duration')
      .orderBy('e.durationMs', 'ASC')
      .offset(Math.ceil(0.95 * Number(n)) - 1)
      .limit(1)
      .getRawOne<{ duration: string | number }>();
    const meanDurationMs = Math.round(Number(mean));
    // Rows pruned between the two reads leave no row at that rank.
    return p95 ? { total, byStatus, meanDurationMs, p95DurationMs: Number(p95.duration) } : { total, byStatus, meanDurationMs };
  }

  /** Deletes executions past `retentionDays`, and beyond the newest `keepPerName` per job name; returns how many. */
  async prune(now = new Date()): Promise<number> {
    let deleted = 0;
    if (this.options.retentionDays > 0) {
      const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY);
      const result = await this.executions
        .createQueryBuilder()
        .delete()
        .where(new Brackets((w) => w.where('started_at < :cutoff', { cutoff }).orWhere('started_at IS NULL AND finished_at < :cutoff', { cutoff })))
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
