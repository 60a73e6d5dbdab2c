import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS } from '../../lib/history.entry.js';
import { PG_URL, postgresAdmin } from './services.js';

export const MARIADB_URL = process.env.MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** A database of a test's own: a role and schema, a database and user, or a file; and a way to make it unreachable. */
export interface TestDatabase {
  kind: 'postgres' | 'mariadb' | 'sqlite';
  options: DataSourceOptions;
  /** Makes the database refuse this test's connections until the returned function is called. */
  cutOff(): Promise<() => Promise<unknown>>;
  drop(): Promise<unknown>;
}

const ident = () => `jobs_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

async function postgres(): Promise<TestDatabase> {
  const name = ident();
  await postgresAdmin(`CREATE ROLE ${name} LOGIN`, `CREATE SCHEMA ${name} AUTHORIZATION ${name}`);
  const url = new URL(PG_URL);
  return {
    kind: 'postgres',
    options: {
      type: 'postgres',
      host: url.hostname,
      port: Number(url.port),
      username: name,
      database: url.pathname.slice(1),
      schema: name,
      poolSize: 4,
      connectTimeoutMS: 2_000,
    },
    async cutOff() {
      await postgresAdmin(`ALTER ROLE ${name} NOLOGIN`, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${name}'`);
      return () => postgresAdmin(`ALTER ROLE ${name} LOGIN`);
    },
    drop: () =>
      postgresAdmin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${name}'`,
        `DROP SCHEMA ${name} CASCADE`,
        `DROP ROLE ${name}`,
      ),
  };
}

async function mariadb(): Promise<TestDatabase> {
  const name = ident();
  const admin = async (sql: string[]) => {
    const connection = await mysql.createConnection(MARIADB_URL);
    try {
      for (const statement of sql) await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  const killAll = async () => {
    const connection = await mysql.createConnection(MARIADB_URL);
    try {
      const [rows] = await connection.query(`SELECT id FROM information_schema.processlist WHERE user = ?`, [name]);
      for (const { id } of rows as Array<{ id: number }>) await connection.query(`KILL ${id}`).catch(() => undefined);
    } finally {
      await connection.end();
    }
  };
  await admin([`CREATE DATABASE ${name}`, `CREATE USER '${name}'@'%'`, `GRANT ALL ON ${name}.* TO '${name}'@'%'`]);
  const url = new URL(MARIADB_URL);
  return {
    kind: 'mariadb',
    options: {
      type: 'mariadb',
      host: url.hostname,
      port: Number(url.port),
      username: name,
      database: name,
      poolSize: 4,
      connectTimeout: 2_000,
    },
    async cutOff() {
      await admin([`ALTER USER '${name}'@'%' ACCOUNT LOCK`]);
      await killAll();
      return () => admin([`ALTER USER '${name}'@'%' ACCOUNT UNLOCK`]);
    },
    async drop() {
      await killAll();
      await admin([`DROP DATABASE ${name}`, `DROP USER '${name}'@'%'`]);
    },
  };
}

async function sqlite(): Promise<TestDatabase> {
  const file = join(tmpdir(), `${ident()}.sqlite`);
  return {
    kind: 'sqlite',
    // A short busy timeout: while another connection holds the write lock, writes fail fast instead of blocking.
    options: { type: 'better-sqlite3', database: file, timeout: 50 },
    async cutOff() {
      const holder = new Database(file);
      holder.exec('BEGIN EXCLUSIVE');
      return async () => {
        holder.exec('COMMIT');
        holder.close();
      };
    },
    async drop() {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
    },
  };
}

export const DATABASES = { postgres, mariadb, sqlite };
export type DatabaseKind = keyof typeof DATABASES;

/** A DataSource on a test's database with the history tables migrated, as a deployment would before starting apps. */
export function migratedHistory(options: DataSourceOptions): Promise<DataSource> {
  return new DataSource({
    ...options,
    entities: JOB_HISTORY_ENTITIES,
    migrations: JOB_HISTORY_MIGRATIONS,
    migrationsRun: true,
  }).initialize();
}
