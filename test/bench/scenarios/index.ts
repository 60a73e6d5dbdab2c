import type { SubjectFactory } from '../subject.js';
import { graphileWorker } from './graphile-worker.js';
import { moduleSubject } from './module.js';
import { nestjsBullmq } from './nestjs-bullmq.js';
import { pgBoss } from './pg-boss.js';
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
