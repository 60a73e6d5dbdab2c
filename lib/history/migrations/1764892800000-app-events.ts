import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dialectOf, types } from './migration-dialect.js';

/** Creates `app_events`, where `AppEvents.emit` stores each event while history is on. */
export class AppEvents1764892800000 implements MigrationInterface {
  name = 'AppEvents1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = types(dialectOf(queryRunner));
    await queryRunner.createTable(
      new Table({
        name: 'app_events',
        columns: [
          { name: 'seq', type: t.bigId, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'source', type: 'varchar', length: '255', isNullable: true },
          { name: 'payload', type: t.longText, isNullable: true },
          { name: 'subscribers', type: t.longText },
          { name: 'emitted_at', type: t.time, precision: t.timePrecision },
        ],
        indices: [
          new TableIndex({ name: 'UQ_app_events_id', columnNames: ['id'], isUnique: true }),
          new TableIndex({ name: 'IDX_app_events_name_emitted', columnNames: ['name', 'emitted_at'] }),
          new TableIndex({ name: 'IDX_app_events_source_emitted', columnNames: ['source', 'emitted_at'] }),
          new TableIndex({ name: 'IDX_app_events_emitted', columnNames: ['emitted_at'] }),
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('app_events', true);
  }
}
