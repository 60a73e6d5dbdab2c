import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A name of the run's own (Redis prefix, PostgreSQL schema or role): letters, digits and underscores only. */
export const uniqueName = (label: string) => `bench_${label}_${randomUUID().replaceAll('-', '').slice(0, 8)}`;

export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function pgAdmin(sql: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const statement of sql) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops a schema and ends the sessions still using it, so a slow-closing library never holds the drop. */
export const dropSchema = (schema: string) => pgAdmin([`DROP SCHEMA IF EXISTS ${schema} CASCADE`]);

/** A role that owns a schema of the same name: TypeORM, connected as it, creates its tables there. */
export async function createRoleSchema(name: string): Promise<void> {
  await pgAdmin([`CREATE ROLE ${name} LOGIN`, `CREATE SCHEMA ${name} AUTHORIZATION ${name}`]);
}

export async function dropRoleSchema(name: string): Promise<void> {
  await pgAdmin([
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${name}'`,
    `DROP SCHEMA IF EXISTS ${name} CASCADE`,
    `DROP ROLE IF EXISTS ${name}`,
  ]);
}
