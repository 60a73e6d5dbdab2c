import { afterEach, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HistoryRecorder, JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS, JobEventBus, JobExecution, HISTORY_DEFAULTS } from '../../lib/index.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';

if (!process.env.JOBS_TEST_LOGS) Logger.overrideLogger(false);

let db: TestDatabase | undefined;
let dataSource: DataSource | undefined;
afterEach(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

it('holds at most bufferSize rows while the database is unreachable, and writes those once it is back', async () => {
  db = await DATABASES.sqlite();
  dataSource = await new DataSource({ ...db.options, entities: JOB_HISTORY_ENTITIES, migrations: JOB_HISTORY_MIGRATIONS, migrationsRun: true } as never).initialize();
  const bus = new JobEventBus();
  const recorder = new HistoryRecorder(dataSource.getRepository(JobExecution), bus, { ...HISTORY_DEFAULTS, redact: [], bufferSize: 3, flushInterval: 60_000 });
  recorder.onModuleInit();
  const restore = await db.cutOff();
  try {
    for (const jobId of ['a', 'b', 'c', 'd', 'e']) {
      bus.publish({ type: 'completed', jobId, name: 'n', queue: 'q', timestamp: Date.now(), attempt: 1, maxAttempts: 1 });
    }
    await recorder.flush();
    expect(recorder.backlog).toBe(3);
  } finally {
    await restore();
  }
  await recorder.flush();
  expect(recorder.backlog).toBe(0);
  const rows = await dataSource.getRepository(JobExecution).find({ order: { jobId: 'ASC' } });
  expect(rows.map((r) => r.jobId)).toEqual(['a', 'b', 'c']);
  await recorder.beforeApplicationShutdown();
});
