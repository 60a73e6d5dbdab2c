import { DEFAULT_SCHEMA, createPostgresBackend, createRedisBackend, withBackend, type BackendClasses, type IQueueBackend } from 'bullmq';
import type { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { JobsConnection, PostgresConnection, RedisConnection } from '../interfaces/jobs-module-options.interface.js';

/** BullMQ's classes bound to one backend, the options every object of it is built with, and what closes them. */
export interface QueueBackend {
  readonly classes: BackendClasses<IQueueBackend, unknown>;
  readonly base: { connection: unknown; prefix?: string };
  /** Where the queues are, for the start-up log: a Redis prefix or a PostgreSQL schema. */
  readonly location: string;
  /** The queues' namespace, short: `redis:<prefix>` or `postgres:<schema>`; two applications on one database differ in it. */
  readonly namespace: string;
  /** Closes what the objects share; each BullMQ object closes its own part first. */
  close(): Promise<void>;
  /**
   * Whether the queue's event stream has dropped events after `position` (BullMQ trims it to `maxLenEvents`): what was
   * dropped, and from when if the backend knows, or undefined when nothing after `position` was.
   */
  trimmedSince(queue: Queue, position: string): Promise<StreamGap | undefined>;
  /** Id of the newest event in the queue's stream, so that reading can start exactly there (BullMQ's `$` is "whenever the read starts"). */
  lastEventId(queue: Queue): Promise<string>;
  /**
   * The queue's events with ids after `after` and up to `upTo`, where a reader can have passed some over: on PostgreSQL
   * an event's id is taken before its transaction commits, so one committed after a later id was read is behind the
   * reader. Redis stream ids are given in the order entries are written: nothing is passed over, and this is empty.
   */
  eventsBetween(queue: Queue, after: string, upTo: string): Promise<StreamEntry[]>;
}

/** One event of a queue's stream, as `QueueEvents` gives it. */
export interface StreamEntry {
  id: string;
  event: string;
  fields: Record<string, string>;
}

export interface StreamGap {
  description: string;
  /** Milliseconds since the epoch of the last event read, where the stream's ids tell it. */
  since?: number;
}

type PostgresQuery = { query(sql: string, params: unknown[]): Promise<{ rows: Array<Record<string, string | null>> }> };

/** Redis stream ids are `<ms>-<seq>`; compared as pairs of numbers. */
function streamIdAfter(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am > bm || (am === bm && (as ?? 0) > (bs ?? 0));
}

/** BullMQ's blocking commands need `maxRetriesPerRequest: null`: a command waits out a reconnect instead of failing. */
function createRedisClient(redis: RedisConnection): Redis | Cluster {
  // Connects on first use, not when the module's providers are built: an app whose start-up fails before then (a
  // provider that cannot be resolved) holds no socket that would keep its process alive.
  const common = { maxRetriesPerRequest: null, lazyConnect: true };
  if (typeof redis === 'string') return new Redis(redis, common);
  if ('cluster' in redis) {
    const options = redis.options ?? {};
    return new Cluster(redis.cluster, {
      ...options,
      lazyConnect: true,
      redisOptions: { ...options.redisOptions, maxRetriesPerRequest: null },
    });
  }
  return new Redis({ ...redis, ...common });
}

/** Queues, flows and event producers share one client; each Worker and QueueEvents duplicates it for blocking reads. */
function redisBackend(redis: RedisConnection, prefix: string): QueueBackend {
  const client = createRedisClient(redis);
  // Errors reach the BullMQ objects that use the client; this keeps an idle shared client from crashing the process.
  client.on('error', () => undefined);
  return {
    classes: withBackend(createRedisBackend) as unknown as QueueBackend['classes'],
    base: { connection: client, prefix },
    location: `Redis, prefix "${prefix}"`,
    namespace: `redis:${prefix}`,
    async close() {
      if (client.status === 'end') return;
      if (client.status === 'wait') return client.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
    async trimmedSince(queue, position) {
      // Trimming removes the oldest entries first: while the entry last read is still there, nothing after it is gone.
      const key = queue.keys.events;
      if ((await client.xrange(key, position, position)).length) return undefined;
      const info = (await client.call('XINFO', 'STREAM', key)) as unknown[];
      const field = (name: string) => info[info.indexOf(name) + 1];
      const first = (field('first-entry') as [string, string[]] | null)?.[0];
      const newest = field('last-generated-id') as string;
      // Read from an empty stream ("0-0"): something is gone if the stream ever dropped an entry.
      const gone =
        position === '0-0'
          ? Number(field('entries-added')) > Number(field('length'))
          : first
            ? streamIdAfter(first, position)
            : streamIdAfter(newest, position);
      const at = (id: string) => new Date(Number(id.split('-')[0])).toISOString();
      return gone
        ? {
            description: `events from ${at(position)} to ${first ? at(first) : at(newest)} were deleted unread`,
            since: Number(position.split('-')[0]),
          }
        : undefined;
    },
    async lastEventId(queue) {
      const [newest] = (await client.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
      return newest?.[0] ?? '0-0';
    },
    async eventsBetween() {
      return [];
    },
  };
}

/**
 * Each BullMQ object owns a node-postgres pool (opened lazily, `max` connections at most) and workers and listeners a
 * LISTEN connection of their own; BullMQ pins them to the schema and, with `migrate`, migrates it under an advisory lock.
 */
function postgresBackend({ postgres, schema, migrate }: PostgresConnection): QueueBackend {
  const pool = typeof postgres === 'string' ? { connectionString: postgres } : postgres;
  return {
    classes: withBackend(createPostgresBackend) as unknown as QueueBackend['classes'],
    base: { connection: { ...pool, schema, ...(migrate === undefined ? {} : { migrate }) } },
    location: `PostgreSQL, schema "${schema ?? DEFAULT_SCHEMA}"`,
    namespace: `postgres:${schema ?? DEFAULT_SCHEMA}`,
    async close() {},
    async trimmedSince(queue, position) {
      // Event ids are one sequence across queues; BullMQ deletes a queue's events below its newest id minus maxLenEvents.
      const { rows } = await (queue.getBackend() as unknown as PostgresQuery).query(
        `SELECT min(id)::text AS first, max(id)::text AS last, (SELECT value FROM meta WHERE queue = $1 AND field = 'opts.maxLenEvents') AS max_len FROM event WHERE queue = $1`,
        [queue.name],
      );
      const { first, last, max_len: maxLen } = rows[0] ?? {};
      if (!first || !last) return undefined;
      const threshold = BigInt(last) - BigInt(maxLen ?? '10000');
      return BigInt(first) > BigInt(position) + 1n && threshold >= BigInt(position)
        ? { description: `events with ids ${position} to ${first} may have been deleted unread` }
        : undefined;
    },
    async lastEventId(queue) {
      // Ids come from one sequence across queues, so every later event of this queue has a larger id than any now.
      const { rows } = await (queue.getBackend() as unknown as PostgresQuery).query(
        `SELECT coalesce(max(id), 0)::text AS last FROM event WHERE queue = $1`,
        [queue.name],
      );
      return rows[0]?.last ?? '0';
    },
    async eventsBetween(queue, after, upTo) {
      const { rows } = await (queue.getBackend() as unknown as PostgresQuery).query(
        `SELECT id::text AS id, event, data FROM event WHERE queue = $1 AND id > $2::bigint AND id <= $3::bigint ORDER BY id`,
        [queue.name, after || '0', upTo],
      );
      return rows.map((row) => {
        const data = (row.data ?? {}) as unknown as Record<string, unknown>;
        const fields = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        return { id: row.id!, event: row.event!, fields };
      });
    },
  };
}

export function createQueueBackend(connection: JobsConnection, prefix: string): QueueBackend {
  return 'postgres' in connection ? postgresBackend(connection) : redisBackend(connection.redis, prefix);
}
