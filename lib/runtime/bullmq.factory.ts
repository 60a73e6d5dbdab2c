import { Inject, Injectable, Logger } from '@nestjs/common';
import { FlowProducer, Queue, QueueEvents, QueueEventsProducer, Worker, type Processor, type WorkerOptions } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { JOBS_OPTIONS } from '../jobs.constants.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import type { RedisConnection } from '../interfaces/jobs-module-options.interface.js';

/** BullMQ's blocking commands need `maxRetriesPerRequest: null`: a command waits out a reconnect instead of failing. */
function createRedisClient(redis: RedisConnection): Redis | Cluster {
  if (typeof redis === 'string') return new Redis(redis, { maxRetriesPerRequest: null });
  if ('cluster' in redis) {
    const options = redis.options ?? {};
    return new Cluster(redis.cluster, { ...options, redisOptions: { ...options.redisOptions, maxRetriesPerRequest: null } });
  }
  return new Redis({ ...redis, maxRetriesPerRequest: null });
}

export type WorkerSettings = Pick<WorkerOptions, 'concurrency' | 'limiter' | 'name' | 'settings'>;

/**
 * Builds every BullMQ object of the module on one backend connection. Queues, flows and event producers share it;
 * each Worker and QueueEvents duplicates it for its blocking reads. Injectable so a host or test can replace it.
 */
@Injectable()
export class BullMqFactory {
  private readonly logger = new Logger('JobsModule');
  private readonly connection: Redis | Cluster;

  constructor(@Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions) {
    this.connection = createRedisClient(options.connection.redis);
    // Errors reach the BullMQ objects that use the connection; this keeps an idle shared client from crashing the process.
    this.connection.on('error', () => undefined);
  }

  private get base() {
    return { connection: this.connection, prefix: this.options.prefix };
  }

  queue(name: string): Queue {
    return this.logErrors(new Queue(name, this.base), `Queue "${name}"`);
  }

  worker(name: string, processor: Processor, settings: WorkerSettings): Worker {
    return new Worker(name, processor, { ...this.base, ...settings, autorun: false });
  }

  queueEvents(name: string): QueueEvents {
    return new QueueEvents(name, { ...this.base, autorun: true });
  }

  eventsProducer(name: string): QueueEventsProducer {
    return this.logErrors(new QueueEventsProducer(name, this.base), `Events producer of "${name}"`);
  }

  flowProducer(): FlowProducer {
    return this.logErrors(new FlowProducer(this.base), 'Flow producer');
  }

  /** An 'error' without a listener would crash the process; a lost connection is logged and BullMQ reconnects. */
  private logErrors<T extends { on(event: 'error', fn: (err: Error) => void): unknown }>(emitter: T, what: string): T {
    emitter.on('error', (err: Error) => this.logger.error(`${what}: ${err.message}`));
    return emitter;
  }

  /** Closes the shared connection; every object built on it must be closed first. */
  async close(): Promise<void> {
    if (this.connection.status === 'end') return;
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.connection.ping();
    return performance.now() - started;
  }
}
