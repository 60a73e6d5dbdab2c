import { DEFAULT_SCHEMA, createPostgresBackend, createRedisBackend, withBackend, type BackendClasses, type IQueueBackend } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { JobsConnection, PostgresConnection, RedisConnection } from '../interfaces/jobs-module-options.interface.js';

/** BullMQ's classes bound to one backend, the options every object of it is built with, and what closes them. */
export interface QueueBackend {
  readonly classes: BackendClasses<IQueueBackend, unknown>;
  readonly base: { connection: unknown; prefix?: string };
  /** Where the queues are, for the start-up log: a Redis prefix or a PostgreSQL schema. */
  readonly location: string;
  /** Closes what the objects share; each BullMQ object closes its own part first. */
  close(): Promise<void>;
}

/** BullMQ's blocking commands need `maxRetriesPerRequest: null`: a command waits out a reconnect instead of failing. */
function createRedisClient(redis: RedisConnection): Redis | Cluster {
  if (typeof redis === 'string') return new Redis(redis, { maxRetriesPerRequest: null });
  if ('cluster' in redis) {
    const options = redis.options ?? {};
    return new Cluster(redis.cluster, { ...options, redisOptions: { ...options.redisOptions, maxRetriesPerRequest: null } });
  }
  return new Redis({ ...redis, maxRetriesPerRequest: null });
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
    async close() {
      if (client.status === 'end') return;
      await client.quit().catch(() => client.disconnect());
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
    async close() {},
  };
}

export function createQueueBackend(connection: JobsConnection, prefix: string): QueueBackend {
  return 'postgres' in connection ? postgresBackend(connection) : redisBackend(connection.redis, prefix);
}
