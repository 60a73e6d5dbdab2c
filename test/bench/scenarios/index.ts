import type { SubjectFactory } from '../subject.js';
import { graphileWorker } from './graphile-worker.js';
import { moduleSubject } from './module.js';
import { nestjsBullmq } from './nestjs-bullmq.js';
import { PG_BOSS_CONFIG, pgBoss } from './pg-boss.js';
import { rawBullmq } from './raw-bullmq.js';

/** Every processing scenario by its key in the report. */
export const SCENARIOS = {
  raw_bullmq: rawBullmq('redis'),
  nestjs_bullmq: nestjsBullmq,
  module_history_off: moduleSubject({ backend: 'redis' }),
  module_history_sqlite: moduleSubject({ backend: 'redis', history: 'sqlite' }),
  module_history_postgres: moduleSubject({ backend: 'redis', history: 'postgres' }),
  raw_bullmq_pg: rawBullmq('postgres'),
  module_pg: moduleSubject({ backend: 'postgres' }),
  pg_boss: pgBoss,
  graphile_worker: graphileWorker,
} satisfies Record<string, SubjectFactory>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** How each scenario is set up, printed with the report so that every figure says what it measured. */
export const SCENARIO_CONFIG: Record<ScenarioName, string> = {
  raw_bullmq: "BullMQ Queue and Worker on Redis, Worker concurrency c, the module's default job options",
  nestjs_bullmq: '@nestjs/bullmq 12: one @Processor WorkerHost with concurrency c',
  module_history_off: 'nestjs-jobs, one @JobProcessor, queue concurrency c, history off',
  module_history_sqlite: 'nestjs-jobs as above, history on SQLite (better-sqlite3); ends once every row is written',
  module_history_postgres: 'nestjs-jobs as above, history on PostgreSQL; ends once every row is written',
  raw_bullmq_pg: 'BullMQ on its PostgreSQL backend (createPostgresBackend), Worker concurrency c',
  module_pg: 'nestjs-jobs on connection.postgres, queue concurrency c, history off',
  pg_boss: PG_BOSS_CONFIG,
  graphile_worker: 'graphile-worker 0.17: run() with concurrency c, pollInterval 500 ms, its default pool of 10 (LISTEN/NOTIFY wakes it)',
};
