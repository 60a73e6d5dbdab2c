import { randomUUID } from 'node:crypto';
import { Queue, runMigrations } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createQueueBackend } from '../../lib/backends/queue-backend.js';
import type { JobsConnection } from '../../lib/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The queue backend the suites run on: `JOBS_BACKEND=postgres` runs them all on BullMQ's PostgreSQL backend. */
export const BACKEND: 'redis' | 'postgres' = process.env.JOBS_BACKEND === 'postgres' ? 'postgres' : 'redis';
export const onPostgres = BACKEND === 'postgres';

/** A prefix of its own per test, so suites never see each other's queues and may run in any order. */
export const uniquePrefix = (label = 't') => `${label}-${randomUUID().slice(0, 8)}`;

/** PostgreSQL has no key prefix: a test's queues live in a schema named after its prefix. */
export const schemaOf = (prefix: string) => `q_${prefix.replace(/[^A-Za-z0-9]/g, '_')}`.slice(0, 63);

/**
 * Where a test's queues live: Redis under its prefix, or a PostgreSQL schema of its own, created at start-up. Small
 * pools keep two Jest workers, each with several apps (and a suite that starts three processes), well inside the
 * server's `max_connections`.
 */
export function queueConnection(prefix: string): JobsConnection {
  return onPostgres ? { postgres: { connectionString: PG_URL, max: 3 }, schema: schemaOf(prefix), migrate: true } : { redis: REDIS_URL };
}

/** A plain BullMQ queue on a test's backend, for reading what the module wrote, and what closes it. */
export function rawQueue(name: string, prefix: string): { queue: Queue; close(): Promise<void> } {
  const backend = createQueueBackend(queueConnection(prefix), prefix);
  const queue = new backend.classes.Queue(name, backend.base) as unknown as Queue;
  return {
    queue,
    async close() {
      await queue.close();
      await backend.close();
    },
  };
}

/** On PostgreSQL, creates a test's queue tables before its processes start, as a deployment step would. */
export async function migrateQueues(prefix: string): Promise<void> {
  if (!onPostgres) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await runMigrations(client, schemaOf(prefix));
  } finally {
    await client.end();
  }
}

/** Deletes every key under a prefix, or drops the prefix's schema, once a test is done with it. */
export async function deletePrefix(prefix: string): Promise<void> {
  if (onPostgres) await postgresAdmin(`DROP SCHEMA IF EXISTS "${schemaOf(prefix)}" CASCADE`);
  else await deleteRedisPrefix(prefix);
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Runs statements, in order, on one connection to the tests' PostgreSQL as its superuser; returns the last one's rows. */
export async function postgresAdmin<T = Record<string, unknown>>(...sql: Array<string | [string, unknown[]]>): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    let rows: T[] = [];
    for (const statement of sql) {
      const [text, params] = typeof statement === 'string' ? [statement, []] : statement;
      rows = (await client.query(text, params)).rows as T[];
    }
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * Makes a test's queue backend stop answering for `ms`, without a mock. On Redis, `CLIENT PAUSE` holds every client's
 * commands (other suites' too, only delayed) and Redis ends the pause itself even if this process dies. On PostgreSQL, a
 * transaction holds exclusive locks on the test's own queue tables, so only that schema's queries wait.
 */
export async function stallQueueBackend(prefix: string, ms: number): Promise<void> {
  if (onPostgres) {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const schema = schemaOf(prefix);
    await client.query('BEGIN');
    await client.query(`LOCK TABLE "${schema}".meta, "${schema}".job IN ACCESS EXCLUSIVE MODE`);
    setTimeout(() => void client.query('ROLLBACK').finally(() => client.end()), ms);
    return;
  }
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
  } finally {
    admin.disconnect();
  }
}
