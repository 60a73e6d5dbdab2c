import { DEFAULT_SCHEMA, createPostgresBackend, isPgPool, quoteSchemaName, withBackend } from 'bullmq';
import type { PostgresConnection } from '../interfaces/jobs-module-options.interface.js';
import { badOption } from '../option-checks.js';
import { within } from '../within.js';
import type { QueueBackend } from './queue-backend.interface.js';

/** BullMQ's own check, so a name it would refuse when the first queue connects stops start-up here instead. */
function isSchemaName(schema: string): boolean {
  try {
    quoteSchemaName(schema);
    return true;
  } catch {
    return false;
  }
}

/** Refuses a `connection.postgres`, `schema` or `migrate` that BullMQ's PostgreSQL backend could not use. */
export function checkPostgres(connection: object): void {
  const { postgres, schema, migrate } = connection as PostgresConnection;
  if (typeof postgres === 'string') {
    if (!/^postgres(ql)?:\/\//.test(postgres)) badOption('connection.postgres', 'a postgres:// or postgresql:// URL', postgres);
  } else if (!postgres || typeof postgres !== 'object' || Array.isArray(postgres)) {
    badOption('connection.postgres', 'a URL or node-postgres pool settings', postgres);
  } else if (isPgPool(postgres)) {
    // BullMQ cannot pin a pool it did not make to a schema; each of its objects makes its own from the settings.
    badOption('connection.postgres', 'a URL or pool settings, not a pg.Pool', 'a pg.Pool');
  }
  if (schema !== undefined && !(typeof schema === 'string' && isSchemaName(schema))) {
    badOption('connection.schema', 'a PostgreSQL identifier (letters, digits, _ or $; at most 63)', schema);
  }
  if (migrate !== undefined && typeof migrate !== 'boolean') badOption('connection.migrate', 'a boolean', migrate);
}

type PostgresQuery = { query(sql: string, params: unknown[]): Promise<{ rows: Array<Record<string, string | null>> }> };

/** Milliseconds a new connection may take before it fails, unless the pool settings say otherwise. */
export const CONNECT_TIMEOUT = 10_000;

/**
 * Milliseconds a worker waits before it asks again after a query failed for want of a connection (BullMQ's
 * `runRetryDelay`, 15 s by default). node-postgres fails such a query at once where ioredis holds a command until it
 * has reconnected, so BullMQ's default left a worker idle for 15 s after a one-second database restart.
 */
const RUN_RETRY_DELAY = 1_000;

/** Where the database is, for messages: host, port and database, never a password. */
function addressOf(pool: { connectionString?: string; host?: string; port?: number | string; database?: string }): string {
  if (pool.connectionString) {
    const url = URL.canParse(pool.connectionString) ? new URL(pool.connectionString) : undefined;
    return url ? `${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname}` : 'the given URL';
  }
  return `${pool.host ?? 'localhost'}:${pool.port ?? 5432}/${pool.database ?? ''}`;
}

/**
 * Each BullMQ object owns a node-postgres pool (opened lazily, `max` connections at most) and workers and listeners a
 * LISTEN connection of their own; BullMQ pins them to the schema and, with `migrate`, migrates it under an advisory lock.
 */
export function postgresBackend({ postgres, schema, migrate }: PostgresConnection): QueueBackend {
  // node-postgres waits for ever on a server that takes the connection and never answers (a dead host behind a proxy,
  // a black-holed route); a bound lets start-up, and shutdown after it, end. The host's own setting wins.
  const pool = { connectionTimeoutMillis: CONNECT_TIMEOUT, ...(typeof postgres === 'string' ? { connectionString: postgres } : postgres) };
  return {
    classes: postgresClasses(),
    base: { connection: { ...pool, schema, ...(migrate === undefined ? {} : { migrate }) }, runRetryDelay: RUN_RETRY_DELAY },
    location: `PostgreSQL at ${addressOf(pool)}, schema "${schema ?? DEFAULT_SCHEMA}"`,
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

/** How long a close waits for a stream reader still connecting; a database that does not answer must not hold shutdown. */
const READER_READY_WAIT = 2_000;

/**
 * BullMQ's classes on its PostgreSQL backend, with one repair: a `QueueEvents` closed while it is still connecting
 * opens its named LISTEN connection after the close has run, and nothing ends it, so the process never exits (BullMQ
 * 6.7: the naming in `run()` does not look at `closing`). Its close waits for the connection to be ready and for the
 * naming to have begun (one turn of the event loop), so that BullMQ's close finds the LISTEN client and ends it.
 */
function postgresClasses(): QueueBackend['classes'] {
  const classes = withBackend(createPostgresBackend);
  class QueueEvents extends classes.QueueEvents {
    override async close(): Promise<void> {
      await within(this.waitUntilReady(), READER_READY_WAIT);
      await new Promise((resolve) => setImmediate(resolve));
      return super.close();
    }
  }
  return { ...classes, QueueEvents } as unknown as QueueBackend['classes'];
}
