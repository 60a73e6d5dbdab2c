import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dialectOf, types } from './migration-dialect.js';

/**
 * Adds what makes history survive a killed process: `job_executions.recovered` marks a row written from the queue's
 * event stream rather than by the process that ran the attempt, and `job_history_cursors` holds, per queue, how far
 * that stream has been checked and which instance checks it.
 */
export class DurableJobHistory1764633600000 implements MigrationInterface {
  name = 'DurableJobHistory1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = types(dialectOf(queryRunner));
    await queryRunner.addColumn('job_executions', new TableColumn({ name: 'recovered', type: 'boolean', default: false }));
    await queryRunner.createTable(
      new Table({
        name: 'job_history_cursors',
        columns: [
          { name: 'queue', type: 'varchar', length: '255', isPrimary: true },
          { name: 'position', type: 'varchar', length: '64', isNullable: true },
          { name: 'owner', type: 'varchar', length: '255', isNullable: true },
          { name: 'lease_until', type: t.bigId, default: 0 },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_history_cursors', true);
    await queryRunner.dropColumn('job_executions', 'recovered');
  }
}
