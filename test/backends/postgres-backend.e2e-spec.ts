import { afterEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobProcessor, JobService, JobsModule, type JobHandler, type JobsModuleOptions } from '../../lib/index.js';
import { JOB_HISTORY_MIGRATIONS, JobHistoryService } from '../../lib/history.entry.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { testLogger } from '../support/logger.js';
import { PG_URL, onCluster, postgresAdmin, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

@JobProcessor('pg.echo')
class EchoJob implements JobHandler<{ value: string }, string> {
  handle(data: { value: string }) {
    return data.value;
  }
}

const tablesIn = async (schema: string) =>
  (await postgresAdmin<{ table_name: string }>(['SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]])).map(
    (r) => r.table_name,
  );

/** Whatever the suites' backend, these run on BullMQ's PostgreSQL backend: its set-up and sharing a database with history. */
// The cluster run covers Redis Cluster only; the Redis and PostgreSQL runs already run these as they are.
(onCluster ? describe.skip : describe)('queues on PostgreSQL', () => {
  const schemas: string[] = [];
  const closing: Array<() => Promise<unknown>> = [];
  const newSchema = () => {
    const schema = `pgq_${uniquePrefix('s').replace('-', '_')}`;
    schemas.push(schema);
    return schema;
  };

  async function start(connection: JobsModuleOptions['connection'], imports: unknown[] = [], history = false) {
    const moduleRef = await Test.createTestingModule({
      imports: [...(imports as []), JobsModule.forRoot({ connection, history })],
      providers: [EchoJob],
    })
      .setLogger(testLogger())
      .compile();
    closing.push(() => moduleRef.close());
    await moduleRef.init();
    return moduleRef;
  }

  afterEach(async () => {
    while (closing.length) await closing.pop()!();
    for (const schema of schemas.splice(0)) await postgresAdmin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('refuses to start on a schema that was never migrated, and says how to migrate it', async () => {
    const schema = newSchema();
    await expect(start({ postgres: PG_URL, schema })).rejects.toThrow(
      `PostgreSQL schema "${schema}" is not initialized. Run the migrations explicitly or pass \`migrate: true\``,
    );
    expect(await tablesIn(schema)).toEqual([]);
  });

  it('creates its tables with migrate, then runs on them without it', async () => {
    const schema = newSchema();
    await start({ postgres: { connectionString: PG_URL, max: 4 }, schema, migrate: true });
    expect(await tablesIn(schema)).toEqual(expect.arrayContaining(['job', 'migration', 'scheduler']));

    const app = await start({ postgres: PG_URL, schema });
    const jobs = app.get(JobService);
    const { id } = await jobs.add('pg.echo', { value: 'from postgres' });
    const done = await waitUntil(
      async () => {
        const info = await jobs.get(id);
        return info?.state === 'completed' ? info : undefined;
      },
      10_000,
      'the job to complete',
    );
    expect(done.result).toBe('from postgres');
    // The job is a row of the schema's table, nowhere else.
    expect(await postgresAdmin(`SELECT name FROM "${schema}".job WHERE name = 'pg.echo'`)).toEqual([{ name: 'pg.echo' }]);
  });

  describe('sharing one database with the job history', () => {
    let db: TestDatabase;
    afterEach(() => db?.drop());

    it('keeps queues in their schema and history in the host schema of the same database', async () => {
      db = await DATABASES.postgres();
      const schema = newSchema();
      const typeorm = TypeOrmModule.forRoot({
        ...db.options,
        autoLoadEntities: true,
        migrations: JOB_HISTORY_MIGRATIONS,
        migrationsRun: true,
      });
      const app = await start({ postgres: PG_URL, schema, migrate: true }, [typeorm], true);
      const { id } = await app.get(JobService).add('pg.echo', { value: 'kept' });
      const row = await waitUntil(
        async () => (await app.get(JobHistoryService).find({ jobId: id, status: 'completed' })).items[0],
        10_000,
        'the history row',
      );
      expect(row).toMatchObject({ name: 'pg.echo', result: 'kept' });
      const historySchema = (db.options as { schema: string }).schema;
      expect(await tablesIn(historySchema)).toContain('job_executions');
      expect(await tablesIn(schema)).not.toContain('job_executions');
      expect(await tablesIn(schema)).toContain('job');
    });
  });
});
