import type { JobsConnection } from '../interfaces/jobs-module-options.interface.js';
import { badOption } from '../option-checks.js';
import { checkPostgres, postgresBackend } from './postgres.backend.js';
import type { QueueBackend } from './queue-backend.interface.js';
import { checkRedis, redisBackend } from './redis.backend.js';

export type { QueueBackend, StreamEntry, StreamGap } from './queue-backend.interface.js';

const EXPECTED_CONNECTION = '{ redis: url | ioredis options | { cluster: nodes } } or { postgres: url | pool settings }';

/** Refuses a `connection` option neither backend can use, naming the field at fault. */
export function checkConnection(connection: unknown): JobsConnection {
  if (connection && typeof connection === 'object' && 'postgres' in connection) checkPostgres(connection);
  else if (!checkRedis((connection as { redis?: unknown } | undefined)?.redis)) badOption('connection', EXPECTED_CONNECTION, connection);
  return connection as JobsConnection;
}

export function createQueueBackend(connection: JobsConnection, prefix: string): QueueBackend {
  return 'postgres' in connection ? postgresBackend(connection) : redisBackend(connection.redis, prefix);
}
