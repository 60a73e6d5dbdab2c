import { randomUUID } from 'node:crypto';
import { postgresAdmin } from '../support/services.js';

// The services and clean-up of the test suites; the benchmark never reads JOBS_BACKEND: each scenario picks its own.
export { PG_URL, REDIS_URL, deleteRedisPrefix as deletePrefix } from '../support/services.js';

/** A name of the run's own (Redis prefix, PostgreSQL schema or role): letters, digits and underscores only. */
export const uniqueName = (label: string) => `bench_${label}_${randomUUID().replaceAll('-', '').slice(0, 8)}`;

export async function dropSchema(schema: string): Promise<void> {
  await postgresAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
