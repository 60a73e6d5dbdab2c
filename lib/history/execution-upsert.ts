import type { Repository } from 'typeorm';
import type { JobExecution } from './entities/job-execution.entity.js';
import type { ExecutionRow } from './execution-rows.js';

const CONFLICT_PATHS = ['queue', 'jobId', 'attempt'];

/**
 * How far an attempt's status has gone: running, then ended with a retry to follow, then ended for good. Writes from
 * different processes (a stalled attempt reported by one, its re-run completed by another) may land in any order.
 */
const rankOf = (status: string) => `CASE ${status} WHEN 'running' THEN 0 WHEN 'retrying' THEN 1 ELSE 2 END`;

/**
 * Whether the incoming row replaces the stored one: a status never goes back, and at the same status a row from the
 * process that ran the attempt (rich: logs, progress, worker) wins over one recovered from the event stream.
 */
const replaces = (incoming: string, stored: string, incomingRecovered: string) =>
  `(${rankOf(incoming)} > ${rankOf(stored)} OR (${rankOf(incoming)} = ${rankOf(stored)} AND ${incomingRecovered} = ${FALSE}))`;
const FALSE = 'false';

/**
 * Writes a batch of attempt rows as one upsert keyed by (queue, job id, attempt). The statement is the one
 * `Repository.upsert` sends, built here because TypeORM's query builder spent about 25 times the database's own time
 * on each batch (a profile of the history benchmark). Values still go through the driver's own conversion
 * (`preparePersistentValue`), so dates and JSON are stored exactly as TypeORM stores and reads them.
 */
export async function upsertExecutions(executions: Repository<JobExecution>, rows: ExecutionRow[]): Promise<void> {
  // SQLite takes at most 32,766 parameters in one statement (21 a row); PostgreSQL and MySQL 65,535.
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_STATEMENT) {
    await upsertChunk(executions, rows.slice(start, start + MAX_ROWS_PER_STATEMENT));
  }
}

const MAX_ROWS_PER_STATEMENT = 1_000;

async function upsertChunk(executions: Repository<JobExecution>, rows: ExecutionRow[]): Promise<void> {
  const { driver } = executions.manager.connection;
  const metadata = executions.metadata;
  const columns = metadata.columns.filter((c) => !c.isGenerated && !c.generatedType);
  const conflict = metadata.mapPropertyPathsToColumns(CONFLICT_PATHS).map((c) => driver.escape(c.databaseName));
  const names = columns.map((c) => driver.escape(c.databaseName));
  const table = metadata.tablePath
    .split('.')
    .map((part) => driver.escape(part))
    .join('.');

  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column) => {
      const value: unknown = column.getEntityValue(row);
      parameters.push(value === undefined ? null : driver.preparePersistentValue(value, column));
      return driver.createParameter(`p${parameters.length - 1}`, parameters.length - 1);
    });
    return `(${placeholders.join(', ')})`;
  });

  const mysql = driver.options.type === 'mysql' || driver.options.type === 'mariadb';
  const [status, recovered] = metadata.mapPropertyPathsToColumns(['status', 'recovered']).map((c) => driver.escape(c.databaseName));
  let update: string;
  if (mysql) {
    // MySQL has no WHERE on an upsert: each column keeps its value unless the row is replaced. Assignments see the
    // columns set before them, so `status`, which the condition reads, is set last.
    const replace = replaces(`VALUES(${status})`, status, `VALUES(${recovered})`);
    const ordered = [...names.filter((n) => n !== status), status];
    update = `ON DUPLICATE KEY UPDATE ${ordered.map((n) => `${n} = IF(${replace}, VALUES(${n}), ${n})`).join(', ')}`;
  } else {
    const replace = replaces(`EXCLUDED.${status}`, `${table}.${status}`, `EXCLUDED.${recovered}`);
    update = `ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${names.map((n) => `${n} = EXCLUDED.${n}`).join(', ')} WHERE ${replace}`;
  }
  await executions.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES ${tuples.join(', ')} ${update}`, parameters);
}
