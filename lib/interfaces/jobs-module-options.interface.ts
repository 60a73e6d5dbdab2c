import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';
import type { JobAddOptions, JobBackoff, KeepJobs } from './job-options.interface.js';

/** Redis as a URL, ioredis options (standalone or Sentinel), or a Cluster's nodes. */
export type RedisConnection = string | RedisOptions | { cluster: ClusterNode[]; options?: ClusterOptions };

/** node-postgres pool settings: `connectionString` or `host`/`port`/`user`/`password`/`database`, `max`, `ssl`, … */
export type PostgresPoolSettings = { connectionString?: string; max?: number; [setting: string]: unknown };

/** Queues in PostgreSQL, on BullMQ's PostgreSQL backend. */
export interface PostgresConnection {
  postgres: string | PostgresPoolSettings;
  /** Schema that holds the queue tables. Default `bullmq`. Two applications on one database use two schemas. */
  schema?: string;
  /**
   * `true`: create or upgrade the queue tables at start-up (under an advisory lock, so replicas may start together).
   * `false` (default): start-up only checks that the tables are at the version this BullMQ needs, for databases whose
   * schema changes are applied by a deployment step.
   */
  migrate?: boolean;
}

/** Where queues live. A union so that other backends are added as new members, never by changing one. */
export type JobsConnection = { redis: RedisConnection } | PostgresConnection;

export interface QueueOptions {
  /** Jobs of this queue that one instance runs at once. */
  concurrency?: number;
  /** At most `max` jobs per `duration` ms, across all instances. */
  limiter?: { max: number; duration: number };
  /** Jobs of this queue that run at once across all instances; `1` makes a slow cron never overlap itself. */
  globalConcurrency?: number;
}

export interface DefaultJobOptions {
  attempts?: number;
  backoff?: JobBackoff | number;
  timeout?: number;
  removeOnComplete?: KeepJobs;
  removeOnFail?: KeepJobs;
}

export interface JobsModuleOptions {
  connection: JobsConnection;
  /**
   * Namespaces every key; two applications on one Redis use two prefixes. Use a `{hash tag}` on Redis Cluster.
   * PostgreSQL has no key prefix: there, two applications use two `schema`s.
   */
  prefix?: string;
  queues?: Record<string, QueueOptions>;
  defaultJobOptions?: DefaultJobOptions;
  /** `false` on instances that only enqueue; a list runs workers for those queues only. */
  workers?: boolean | string[];
  /** Milliseconds active jobs get to finish on shutdown before their signals abort and they go back to the queue. */
  shutdownTimeout?: number;
  /** Largest payload, as JSON bytes, that `add` accepts. */
  maxPayloadBytes?: number;
}

export type { JobAddOptions };
