import { randomUUID } from 'node:crypto';
import { Queue, runMigrations } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import { createQueueBackend } from '../../lib/backends/queue-backend.js';
import type { JobsConnection } from '../../lib/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The queue backend the suites run on: `JOBS_BACKEND=postgres` runs them on BullMQ's PostgreSQL backend,
 * `JOBS_BACKEND=cluster` on the Redis Cluster that `test/support/redis-cluster.sh` starts.
 */
export const BACKEND: 'redis' | 'postgres' | 'cluster' =
  process.env.JOBS_BACKEND === 'postgres' ? 'postgres' : process.env.JOBS_BACKEND === 'cluster' ? 'cluster' : 'redis';
export const onPostgres = BACKEND === 'postgres';
export const onCluster = BACKEND === 'cluster';

/** The masters of the test Redis Cluster. */
export const CLUSTER_NODES = [7001, 7002, 7003].map((port) => ({ host: '127.0.0.1', port }));

/**
 * A prefix of its own per test, so suites never see each other's queues and may run in any order. On a cluster it is a
 * hash tag, so that all of a test's keys share one slot, as BullMQ's multi-key scripts need.
 */
export const uniquePrefix = (label = 't') =>
  onCluster ? `{${label}-${randomUUID().slice(0, 8)}}` : `${label}-${randomUUID().slice(0, 8)}`;

/** PostgreSQL has no key prefix: a test's queues live in a schema named after its prefix. */
export const schemaOf = (prefix: string) => `q_${prefix.replace(/[^A-Za-z0-9]/g, '_')}`.slice(0, 63);

/**
 * Where a test's queues live: Redis under its prefix, or a PostgreSQL schema of its own, created at start-up. Small
 * pools keep two Jest workers, each with several apps (and a suite that starts three processes), well inside the
 * server's `max_connections`.
 */
export function queueConnection(prefix: string): JobsConnection {
  if (onPostgres) return { postgres: { connectionString: PG_URL, max: 3 }, schema: schemaOf(prefix), migrate: true };
  return onCluster ? { redis: { cluster: CLUSTER_NODES } } : { redis: REDIS_URL };
}

/** A plain BullMQ queue on a test's backend (or on `connection`), for reading what the module wrote, and what closes it. */
export function rawQueue(name: string, prefix: string, connection = queueConnection(prefix)): { queue: Queue; close(): Promise<void> } {
  const backend = createQueueBackend(connection, prefix);
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
  else if (onCluster) await deleteClusterPrefix(prefix);
  else await deleteRedisPrefix(prefix);
}

/** Deletes every key under a prefix on the standalone Redis at `REDIS_URL`. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    await deleteKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** SCAN reads one node only: a cluster's keys are found master by master. */
async function deleteClusterPrefix(prefix: string): Promise<void> {
  const cluster = new Cluster(CLUSTER_NODES, { redisOptions: { maxRetriesPerRequest: 3 } });
  try {
    await cluster.ping(); // the slot map, and so the list of masters, is known once a command went through
    await Promise.all(cluster.nodes('master').map((node) => deleteKeys(node, prefix)));
  } finally {
    cluster.disconnect();
  }
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    // A hash tag's braces are plain characters to MATCH; its keys share a slot, so one UNLINK takes them all.
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
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
 * Makes a test's queue backend stop answering for `ms`, without a mock. On Redis (each master of a cluster), `CLIENT PAUSE` holds every client's
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
  const servers = onCluster ? CLUSTER_NODES.map((node) => `redis://${node.host}:${node.port}`) : [REDIS_URL];
  await Promise.all(
    servers.map(async (url) => {
      const admin = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
      } finally {
        admin.disconnect();
      }
    }),
  );
}
