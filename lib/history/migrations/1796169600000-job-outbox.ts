import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dialectOf, types } from './migration-dialect.js';

/** Creates `job_outbox`: jobs added inside the host's transactions, until the relay has put them on their queues. */
export class JobOutbox1796169600000 implements MigrationInterface {
  name = 'JobOutbox1796169600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = types(dialectOf(queryRunner));
    const varchar = (name: string) => ({ name, type: 'varchar', length: '255' });
    await queryRunner.createTable(
      new Table({
        name: 'job_outbox',
        columns: [
          { name: 'seq', type: t.bigId, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          varchar('namespace'),
          varchar('queue'),
          varchar('job_id'),
          varchar('name'),
          { name: 'data', type: t.longText },
          { name: 'opts', type: t.longText },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_outbox', true);
  }
}
