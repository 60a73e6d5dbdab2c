import type { QueryRunner } from 'typeorm';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export function dialectOf(queryRunner: Pick<QueryRunner, 'connection'>): Dialect {
  const type = queryRunner.connection.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  if (type === 'better-sqlite3' || type === 'sqljs' || type === 'capacitor' || type === 'expo') return 'sqlite';
  throw new Error(`nestjs-jobs ships history migrations for PostgreSQL, MySQL/MariaDB and SQLite, not for "${type}".`);
}

/** Column types per database: absolute times with milliseconds, JSON and long text that fit large payloads. */
export function types(dialect: Dialect) {
  return {
    time: { postgres: 'timestamptz', mysql: 'datetime', sqlite: 'datetime' }[dialect],
    timePrecision: dialect === 'sqlite' ? undefined : 3,
    longText: dialect === 'mysql' ? 'mediumtext' : 'text',
    bigId: dialect === 'sqlite' ? 'integer' : 'bigint',
  };
}
