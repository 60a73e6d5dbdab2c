import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, types } from './migration-dialect.js';

/** Creates `job_executions` and `job_definitions`. Written once for the three databases, through TypeORM's schema API. */
export class CreateJobHistory1763856000000 implements MigrationInterface {
  name = 'CreateJobHistory1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = types(dialectOf(queryRunner));
    const time = (name: string, nullable = true): TableColumnOptions => ({
      name,
      type: t.time,
      precision: t.timePrecision,
      isNullable: nullable,
    });
    const text = (name: string): TableColumnOptions => ({ name, type: t.longText, isNullable: true });
    const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'int', isNullable: nullable });

    await queryRunner.createTable(
      new Table({
        name: 'job_executions',
        columns: [
          { name: 'id', type: t.bigId, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          varchar('job_id', 255),
          varchar('queue', 255),
          varchar('name', 255),
          varchar('status', 16),
          int('attempt'),
          int('max_attempts'),
          text('data'),
          text('result'),
          text('error_message'),
          text('error_stack'),
          text('progress'),
          text('logs'),
          time('enqueued_at'),
          time('started_at'),
          time('finished_at'),
          int('duration_ms', true),
          varchar('worker_host', 255, true),
          int('worker_pid', true),
          varchar('schedule', 255, true),
          varchar('definition_id', 36, true),
        ],
        indices: [
          new TableIndex({ name: 'UQ_job_executions_attempt', columnNames: ['queue', 'job_id', 'attempt'], isUnique: true }),
          new TableIndex({ name: 'IDX_job_executions_name_started', columnNames: ['name', 'started_at'] }),
          new TableIndex({ name: 'IDX_job_executions_status_started', columnNames: ['status', 'started_at'] }),
          new TableIndex({ name: 'IDX_job_executions_started', columnNames: ['started_at'] }),
          new TableIndex({ name: 'IDX_job_executions_job', columnNames: ['job_id'] }),
        ],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'job_definitions',
        columns: [
          { ...varchar('id', 36), isPrimary: true },
          { ...varchar('name', 255), isUnique: true },
          varchar('handler', 255),
          text('data'),
          varchar('cron', 255, true),
          varchar('time_zone', 64, true),
          { name: 'enabled', type: 'boolean', default: true },
          int('attempts', true),
          int('timeout', true),
          text('memo'),
          text('tags'),
          varchar('created_by', 255, true),
          varchar('updated_by', 255, true),
          { ...time('created_at', false), default: 'CURRENT_TIMESTAMP' + (t.timePrecision ? `(${t.timePrecision})` : '') },
          { ...time('updated_at', false), default: 'CURRENT_TIMESTAMP' + (t.timePrecision ? `(${t.timePrecision})` : '') },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_definitions', true);
    await queryRunner.dropTable('job_executions', true);
  }
}
