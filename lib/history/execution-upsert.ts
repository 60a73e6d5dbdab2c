import type { Repository } from 'typeorm';
import type { JobExecution } from './entities/job-execution.entity.js';
import type { ExecutionRow } from './execution-rows.js';

const CONFLICT_PATHS = ['queue', 'jobId', 'attempt'];

/**
 * Writes a batch of attempt rows as one upsert keyed by (queue, job id, attempt). The statement is the one
 * `Repository.upsert` sends, built here because TypeORM's query builder spent about 25 times the database's own time
 * on each batch (a profile of the history benchmark). Values still go through the driver's own conversion
 * (`preparePersistentValue`), so dates and JSON are stored exactly as TypeORM stores and reads them.
 */
export async function upsertExecutions(executions: Repository<JobExecution>, rows: ExecutionRow[]): Promise<void> {
  const { driver } = executions.manager.connection;
  const metadata = executions.metadata;
  const columns = metadata.columns.filter((c) => !c.isGenerated && !c.generatedType);
  const conflict = metadata.mapPropertyPathsToColumns(CONFLICT_PATHS).map((c) => driver.escape(c.databaseName));
  const names = columns.map((c) => driver.escape(c.databaseName));
  const table = metadata.tablePath.split('.').map((part) => driver.escape(part)).join('.');

  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column) => {
      const value = column.getEntityValue(row as JobExecution);
      parameters.push(value === undefined ? null : driver.preparePersistentValue(value, column));
      return driver.createParameter(`p${parameters.length - 1}`, parameters.length - 1);
    });
    return `(${placeholders.join(', ')})`;
  });

  const mysql = driver.options.type === 'mysql' || driver.options.type === 'mariadb';
  const update = mysql
    ? `ON DUPLICATE KEY UPDATE ${names.map((n) => `${n} = VALUES(${n})`).join(', ')}`
    : `ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${names.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}`;
  await executions.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES ${tuples.join(', ')} ${update}`, parameters);
}
