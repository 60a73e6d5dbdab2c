import { createRedisBackend, withBackend } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { RedisConnection } from '../interfaces/jobs-module-options.interface.js';
import { badOption } from '../option-checks.js';
import type { QueueBackend } from './queue-backend.interface.js';

/** Whether `connection.redis` is given at all; a URL that is not redis:// or rediss:// is refused. */
export function checkRedis(redis: unknown): boolean {
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis)) badOption('connection.redis', 'a redis:// or rediss:// URL', redis);
    return true;
  }
  return !!redis && typeof redis === 'object';
}

/** Redis stream ids are `<ms>-<seq>`; compared as pairs of numbers. */
function streamIdAfter(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am > bm || (am === bm && (as ?? 0) > (bs ?? 0));
}

/** Where the Redis is, for messages: host and port, never a password. */
function addressOf(redis: RedisConnection): string {
  if (typeof redis === 'string') {
    const url = URL.canParse(redis) ? new URL(redis) : undefined;
    return url ? `${url.hostname}:${url.port || 6379}` : 'the given URL';
  }
  if ('cluster' in redis)
    return `cluster ${redis.cluster.map((n) => (typeof n === 'object' ? `${n.host ?? '127.0.0.1'}:${n.port ?? 6379}` : String(n))).join(', ')}`;
  if (redis.sentinels)
    return `sentinels ${redis.sentinels.map((s) => `${s.host ?? '127.0.0.1'}:${s.port ?? 26379}`).join(', ')} (${redis.name ?? 'mymaster'})`;
  return `${redis.host ?? '127.0.0.1'}:${redis.port ?? 6379}`;
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
export function redisBackend(redis: RedisConnection, prefix: string): QueueBackend {
  const client = createRedisClient(redis);
  // Errors reach the BullMQ objects that use the client; this keeps an idle shared client from crashing the process.
  client.on('error', () => undefined);
  return {
    classes: withBackend(createRedisBackend) as unknown as QueueBackend['classes'],
    base: { connection: client, prefix },
    location: `Redis at ${addressOf(redis)}, prefix "${prefix}"`,
    namespace: `redis:${prefix}`,
    async close() {
      if (client.status === 'end') return;
      // Never connected, or reconnecting to a server that is gone: a QUIT would wait for a connection for ever.
      if (client.status !== 'ready') return client.disconnect();
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
