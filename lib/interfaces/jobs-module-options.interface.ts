import type { JobsExtraSettings } from './extra-settings.interface.js';
import type { InputLimits } from './input-limits.interface.js';
import type { Telemetry } from 'bullmq';
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

/**
 * How jobs of an instance that died (killed, crashed, lost its connection) are found and run elsewhere. A worker holds
 * a lock on each job it runs and renews it every `lockDuration / 2` ms; every `interval` ms one instance of the queue
 * checks, and puts back the jobs it saw active at the check before whose lock has lapsed since. A dead instance's job
 * therefore runs again no sooner than `lockDuration / 2` ms after it died, and within `max(lockDuration, interval) +
 * interval`, or one `interval` more when a check comes a moment before the previous one's `interval` is over and waits
 * for the next. Give every instance the same values: a lock lasts as long as the instance that took the job says, and a
 * check by one instance holds the others' off for its own `interval`.
 */
export interface StalledJobOptions {
  /**
   * Ms a worker's lock on a running job lasts (BullMQ's `lockDuration`). Default `30000`. Shorter recovers sooner,
   * but an instance whose event loop is blocked for more than `lockDuration / 2` can lose the lock of a job still
   * running there, which then runs twice.
   */
  lockDuration?: number;
  /** Ms between checks for jobs whose lock has lapsed (BullMQ's `stalledInterval`). Default `30000`. */
  interval?: number;
  /**
   * Times a job is put back after its worker died before it fails instead, with "job stalled more than allowable
   * limit" and no retry (BullMQ's `maxStalledCount`). Default `1`; `0` fails it at the first. Jobs of a schedule are
   * always put back.
   */
  maxCount?: number;
}

export interface QueueOptions {
  /** Jobs of this queue that one instance runs at once. */
  concurrency?: number;
  /** At most `max` jobs per `duration` ms, across all instances. */
  limiter?: { max: number; duration: number };
  /** Jobs of this queue that run at once across all instances; `1` makes a slow cron never overlap itself. */
  globalConcurrency?: number;
  /** Overrides the module's `stalled` settings for this queue, field by field. */
  stalled?: StalledJobOptions;
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
  /** Settings of the extras given by `forRootAsync`'s factory (secrets from `ConfigService`); see `JobsExtraSettings`. */
  extraSettings?: JobsExtraSettings;
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
  /**
   * Milliseconds start-up waits for the queue backend to answer before it fails, naming the connection; default 30000.
   * BullMQ itself would retry for ever, and the application would hang, neither serving nor exiting.
   */
  startupTimeout?: number;
  /** Largest payload, as JSON bytes, that `add` accepts. */
  maxPayloadBytes?: number;
  /**
   * Shape of what the module takes from outside (payloads, admin requests, gateway messages), checked before anything
   * transforms it: levels of nesting (default 32), keys per object (1,000) and items per array (10,000).
   */
  inputLimits?: Partial<InputLimits>;
  /**
   * Events each queue's event stream keeps (BullMQ's `streams.events.maxLen`; default 10,000, about 2,000 jobs). Cluster
   * events and history recovery read this stream: a longer one covers a longer outage of every instance that reads it.
   */
  eventStreamLength?: number;
  /** How soon a dead instance's jobs run elsewhere, for every queue; a queue's own `stalled` wins field by field. */
  stalled?: StalledJobOptions;
  /**
   * Traces jobs with BullMQ's telemetry, e.g. `new BullMQOtel({ tracerName: 'my-app' })` from `bullmq-otel`: a job's
   * handler runs inside BullMQ's `process` span, a child of the `add` span, itself a child of the span active at `add`.
   * Off (nothing traced) when unset.
   */
  telemetry?: Telemetry;
}

export type { JobAddOptions };
