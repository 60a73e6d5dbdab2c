import { Inject, Injectable } from '@nestjs/common';
import { IsNull, Like, MoreThanOrEqual, type Repository } from 'typeorm';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import type {
  AppEventCount,
  AppEventDelivery,
  AppEventPage,
  AppEventQuery,
  AppEventStats,
  StoredAppEvent,
} from '../interfaces/app-events.interface.js';
import { isStorableDate, STORABLE_DATE_RULE } from '../policy/dates.js';
import { AppEventRecord } from '../history/entities/app-event.entity.js';
import type { JobExecution } from '../history/entities/job-execution.entity.js';
import { EXECUTION_REPOSITORY, HISTORY_OPTIONS } from '../history/history.constants.js';
import type { ResolvedHistoryOptions } from '../history/history.options.js';
import { redact, redactionKeys } from '../history/redaction.js';
import type { JobTransaction } from '../interfaces/job-options.interface.js';
import { transactionManager } from '../outbox/outbox-transaction.js';
import { deliveryPrefix } from './app-event.delivery.js';
import { InvalidAppEventNameError } from './app-events.errors.js';
import { eventMatcher, eventPatternProblem, isPattern } from './event-names.js';
import { APP_EVENT_REPOSITORY } from './events.constants.js';

const DAY = 86_400_000;
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isSeq = (v: string) => /^\d{1,18}$/.test(v);
const isDate = (v: unknown): v is Date => v instanceof Date && isStorableDate(v);

/** An event with the status of each of its deliveries, read from history. */
export interface AppEventWithDeliveries extends StoredAppEvent {
  deliveries: AppEventDelivery[];
}

/** Application events in the host's database: written by `AppEvents.emit`, read by the Events API, pruned by age. */
@Injectable()
export class AppEventStore {
  private readonly redactKeys: ReadonlySet<string>;

  constructor(
    @Inject(APP_EVENT_REPOSITORY) private readonly events: Repository<AppEventRecord>,
    @Inject(EXECUTION_REPOSITORY) private readonly executions: Repository<JobExecution>,
    @Inject(HISTORY_OPTIONS) history: ResolvedHistoryOptions,
  ) {
    this.redactKeys = redactionKeys(history.redact);
  }

  /** Inserts the event, in the host's transaction when given one (refused as `add` refuses it when it is not one). */
  async record(event: StoredAppEvent, transaction?: JobTransaction): Promise<void> {
    const events = transaction
      ? transactionManager(transaction, this.events.manager.connection).getRepository(AppEventRecord)
      : this.events;
    await events.insert({ ...event, payload: redact(event.payload ?? null, this.redactKeys) as AppEventRecord['payload'] });
  }

  /** Newest first; `name` is a name or a pattern. Pass `nextCursor` back as `cursor` for the next page. */
  async find(query: AppEventQuery = {}): Promise<AppEventPage> {
    const limit = query.limit ?? 50;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 500))
      throw new InvalidJobOptionsError('limit', `must be an integer from 1 to 500; got ${JSON.stringify(limit)}.`);
    if (query.cursor !== undefined && !isSeq(query.cursor))
      throw new InvalidJobOptionsError('cursor', `must be a cursor from a previous page; got ${JSON.stringify(query.cursor)}.`);
    for (const key of ['from', 'to'] as const) {
      if (query[key] !== undefined && !isDate(query[key]))
        throw new InvalidJobOptionsError(key, `must be a valid Date ${STORABLE_DATE_RULE}; got ${JSON.stringify(query[key])}.`);
    }
    const qb = this.events.createQueryBuilder('e');
    if (query.name !== undefined) {
      const names = await this.namesMatching(query.name);
      if (!names.length) return { items: [] };
      qb.andWhere('e.name IN (:...names)', { names });
    }
    if (query.source !== undefined) qb.andWhere('e.source = :source', { source: query.source });
    if (query.from) qb.andWhere('e.emittedAt >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.emittedAt < :to', { to: query.to });
    if (query.cursor) qb.andWhere('e.seq < :cursor', { cursor: query.cursor });
    const rows = await qb
      .orderBy('e.seq', 'DESC')
      .take(limit + 1)
      .getMany();
    const items = rows.slice(0, limit).map(toEvent);
    return rows.length > limit ? { items, nextCursor: String(rows[limit - 1].seq) } : { items };
  }

  /** One event with its deliveries: each subscriber's job and its last recorded attempt (`pending` before the first). */
  async get(id: string): Promise<AppEventWithDeliveries | null> {
    // Only what emit makes can be found; anything else (NUL, LIKE wildcards, overlong) never reaches the database.
    if (!EVENT_ID.test(id)) return null;
    const row = await this.events.findOneBy({ id });
    if (!row) return null;
    const attempts = await this.executions.find({ where: { jobId: Like(`${deliveryPrefix(id)}%`) }, order: { attempt: 'ASC' } });
    const deliveries = row.subscribers.map((subscriber): AppEventDelivery => {
      const jobId = `${deliveryPrefix(id)}${subscriber}`;
      const mine = attempts.filter((a) => a.jobId === jobId);
      return { jobId, subscriber, status: mine.at(-1)?.status ?? 'pending', attempts: mine.filter((a) => a.attempt > 0).length };
    });
    return { ...toEvent(row), deliveries };
  }

  /** Counts by name and by source (the `top` largest of each), and events per minute, over `[since, until)`. */
  async stats(since: Date, until: Date, top = 10): Promise<AppEventStats> {
    const count = async (column: 'name' | 'source'): Promise<AppEventCount[]> => {
      const rows = await this.events
        .createQueryBuilder('e')
        .select(`e.${column}`, 'event_key')
        .addSelect('COUNT(*)', 'event_count')
        .where('e.emittedAt >= :since AND e.emittedAt < :until', { since, until })
        .groupBy(`e.${column}`)
        .orderBy('event_count', 'DESC')
        .addOrderBy('event_key', 'ASC')
        .limit(top)
        .getRawMany<{ event_key: string | null; event_count: string | number }>();
      return rows.map((r) => ({ key: r.event_key, count: Number(r.event_count) }));
    };
    const total = await this.events
      .createQueryBuilder('e')
      .where('e.emittedAt >= :since AND e.emittedAt < :until', { since, until })
      .getCount();
    const minutes = (until.getTime() - since.getTime()) / 60_000;
    const [byName, bySource] = [await count('name'), await count('source')];
    return { since, until, total, perMinute: Math.round((total / minutes) * 100) / 100, byName, bySource };
  }

  /**
   * How many events `source` (null: those without one) emitted at or after `since`, and when the oldest of them was:
   * the window of the Events API's rate limit, counted across every instance that stores into this database.
   */
  async emittedSince(source: string | null, since: Date): Promise<{ count: number; oldest?: Date }> {
    const where = { emittedAt: MoreThanOrEqual(since), source: source === null ? IsNull() : source };
    const count = await this.events.countBy(where);
    if (!count) return { count };
    const oldest = await this.events.findOne({ where, order: { emittedAt: 'ASC' }, select: { seq: true, emittedAt: true } });
    return { count, oldest: oldest?.emittedAt };
  }

  /** Deletes events emitted before `before`; returns how many. Their deliveries' history rows follow history's own retention. */
  async deleteBefore(before: Date): Promise<number> {
    const result = await this.events.createQueryBuilder().delete().where('emitted_at < :before', { before }).execute();
    return result.affected ?? 0;
  }

  /** Deletes events past `retentionDays` (0 keeps them for ever). */
  prune(retentionDays: number, now = new Date()): Promise<number> {
    return retentionDays > 0 ? this.deleteBefore(new Date(now.getTime() - retentionDays * DAY)) : Promise.resolve(0);
  }

  /** The stored names a name or pattern covers: patterns are matched here, as SQL's LIKE cannot say "one segment". */
  private async namesMatching(name: string): Promise<string[]> {
    const problem = eventPatternProblem(name);
    if (problem) throw new InvalidAppEventNameError('name', problem);
    if (!isPattern(name)) return [name];
    const matches = eventMatcher(name);
    const rows = await this.events.createQueryBuilder('e').select('DISTINCT e.name', 'name').getRawMany<{ name: string }>();
    return rows.map((r) => r.name).filter(matches);
  }
}

function toEvent(row: AppEventRecord): StoredAppEvent {
  return { id: row.id, name: row.name, source: row.source, payload: row.payload, subscribers: row.subscribers, emittedAt: row.emittedAt };
}
