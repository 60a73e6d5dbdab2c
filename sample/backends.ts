import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { JobsConnection } from 'nestjs-jobs';
import { JOB_HISTORY_MIGRATIONS } from 'nestjs-jobs/history';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** Where the sample keeps its queues and its job history, and what to stop once the application has closed. */
export interface SampleBackends {
  queues: JobsConnection;
  history: TypeOrmModuleOptions;
  /** Said at start-up, so it is plain which services the sample uses. */
  summary: string;
  stop(): Promise<void>;
}

const sampleDir = fileURLToPath(new URL('./', import.meta.url)).replace(/dist-sample\/$/, 'sample/');

/**
 * - neither `REDIS_URL` nor `DATABASE_URL`: queues and history in an embedded PostgreSQL, nothing to install;
 * - `REDIS_URL`: queues on Redis (history in a SQLite file unless `DATABASE_URL` is given);
 * - `DATABASE_URL` (PostgreSQL, or MySQL/MariaDB for history only): history there, and queues too with `JOBS_BACKEND=postgres`.
 */
export async function sampleBackends(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<SampleBackends> {
  const backend = env.JOBS_BACKEND ?? (env.REDIS_URL || env.DATABASE_URL ? 'redis' : 'postgres');
  if (backend !== 'redis' && backend !== 'postgres') throw new Error(`JOBS_BACKEND must be redis or postgres; got ${backend}.`);
  const embedded =
    backend === 'postgres' && !env.DATABASE_URL
      ? await startEmbeddedPostgres(env.EMBEDDED_PG_DIR ?? join(sampleDir, '.data', 'postgres'), Number(env.EMBEDDED_PG_PORT ?? 54329), log)
      : undefined;
  const databaseUrl = env.DATABASE_URL ?? embedded?.url;
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  // Queues and history may share one database: the queues in a schema of their own, the history tables in `public`.
  const queues: JobsConnection =
    backend === 'postgres' ? { postgres: databaseUrl!, schema: env.JOBS_SCHEMA ?? 'sample_jobs', migrate: true } : { redis: redisUrl };
  const migrations = { autoLoadEntities: true, migrations: JOB_HISTORY_MIGRATIONS, migrationsRun: true };
  const sqliteFile = env.HISTORY_DB ?? join(tmpdir(), 'nestjs-jobs-sample.sqlite');
  const history: TypeOrmModuleOptions = databaseUrl
    ? { type: /^(mysql|mariadb):/.test(databaseUrl) ? 'mysql' : 'postgres', url: databaseUrl, ...migrations }
    : { type: 'better-sqlite3', database: sqliteFile, ...migrations };

  const where = (url: string) => new URL(url).host + new URL(url).pathname;
  const queuesAt =
    backend === 'postgres'
      ? `PostgreSQL ${where(databaseUrl!)} (schema ${(queues as { schema: string }).schema})`
      : `Redis ${where(redisUrl)}`;
  const historyAt = databaseUrl ? `${history.type === 'mysql' ? 'MySQL' : 'PostgreSQL'} ${where(databaseUrl)}` : `SQLite ${sqliteFile}`;
  return {
    queues,
    history,
    summary: `Queues on ${queuesAt}; history in ${historyAt}${embedded ? ' (embedded PostgreSQL, data in ' + (env.EMBEDDED_PG_DIR ?? 'sample/.data/postgres') + ')' : ''}.`,
    stop: async () => embedded?.stop(),
  };
}
