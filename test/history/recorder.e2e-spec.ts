import { afterEach, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobEventBus, JobProcessor, JobService, JobsModule, HISTORY_DEFAULTS, type JobEvent, type JobHandler } from '../../lib/index.js';
import { HistoryRecorder, JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS, JobExecution, JobHistoryService } from '../../lib/history.entry.js';
import { DATABASES, type TestDatabase, migratedHistory } from '../support/databases.js';
import { deletePrefix, queueConnection, uniquePrefix } from '../support/services.js';
import { EventLog } from '../support/wait.js';

@JobProcessor('r.quick')
class QuickJob implements JobHandler<unknown, string> {
  handle() {
    return 'done';
  }
}

if (!process.env.JOBS_TEST_LOGS) Logger.overrideLogger(false);

/** A completed first attempt, as the worker that ran it publishes it. */
const completed = (jobId: string, name = 'n'): JobEvent => {
  const now = Date.now();
  return {
    type: 'completed',
    jobId,
    name,
    queue: 'q',
    timestamp: now,
    scope: 'local',
    attempt: 1,
    maxAttempts: 1,
    result: undefined,
    finishedAt: now,
  };
};

let db: TestDatabase | undefined;
let dataSource: DataSource | undefined;
afterEach(async () => {
  await dataSource?.destroy();
  await db?.drop();
  dataSource = db = undefined;
});

it('holds at most bufferSize rows while the database is unreachable, and writes those once it is back', async () => {
  db = await DATABASES.sqlite();
  dataSource = await migratedHistory(db.options);
  const bus = new JobEventBus();
  const recorder = new HistoryRecorder(dataSource.getRepository(JobExecution), bus, {
    ...HISTORY_DEFAULTS,
    redact: [],
    bufferSize: 3,
    flushInterval: 60_000,
  });
  recorder.onModuleInit();
  const restore = await db.cutOff();
  try {
    for (const jobId of ['a', 'b', 'c', 'd', 'e']) {
      bus.publish(completed(jobId));
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

it('writes the rows still waiting when the application shuts down', async () => {
  db = await DATABASES.sqlite();
  const prefix = uniquePrefix('rec');
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...db.options, autoLoadEntities: true, migrations: JOB_HISTORY_MIGRATIONS, migrationsRun: true }),
      JobsModule.forRoot({ connection: queueConnection(prefix), prefix, history: { flushInterval: 600_000, batchSize: 1_000 } }),
    ],
    providers: [QuickJob],
  }).compile();
  const events = new EventLog(moduleRef.get(JobEventBus));
  await moduleRef.init();
  const { id } = await moduleRef.get(JobService).add('r.quick', {});
  await events.waitFor('completed', id);
  expect(moduleRef.get(HistoryRecorder).backlog).toBe(1);
  await moduleRef.close();
  events.stop();
  await deletePrefix(prefix);
  dataSource = await new DataSource({ ...db.options, entities: JOB_HISTORY_ENTITIES }).initialize();
  expect(await dataSource.getRepository(JobExecution).findBy({ jobId: id })).toMatchObject([{ status: 'completed', result: 'done' }]);
});

it('drops only the rows a reachable database refuses, and writes the rest', async () => {
  db = await DATABASES.postgres();
  dataSource = await migratedHistory(db.options);
  const bus = new JobEventBus();
  const recorder = new HistoryRecorder(dataSource.getRepository(JobExecution), bus, {
    ...HISTORY_DEFAULTS,
    redact: [],
    flushInterval: 60_000,
  });
  recorder.onModuleInit();
  for (const [jobId, name] of [
    ['good-1', 'n'],
    ['too-long', 'n'.repeat(300)],
    ['good-2', 'n'],
  ]) {
    bus.publish(completed(jobId, name));
  }
  await recorder.flush();
  expect(recorder.backlog).toBe(0);
  const rows = await dataSource.getRepository(JobExecution).find({ order: { jobId: 'ASC' } });
  expect(rows.map((r) => r.jobId)).toEqual(['good-1', 'good-2']);
  await recorder.beforeApplicationShutdown();
});

it('keeps at most keepPerName newest executions of each job name', async () => {
  db = await DATABASES.sqlite();
  dataSource = await migratedHistory(db.options);
  const executions = dataSource.getRepository(JobExecution);
  for (const [jobId, name] of [
    ['a1', 'a'],
    ['a2', 'a'],
    ['b1', 'b'],
    ['a3', 'a'],
    ['a4', 'a'],
  ]) {
    await executions.insert({ jobId, name, queue: 'q', status: 'completed', attempt: 1, maxAttempts: 1, startedAt: new Date() });
  }
  // Pruning reads and deletes rows only; it never enqueues, so no JobService is needed.
  const history = new JobHistoryService(executions, { ...HISTORY_DEFAULTS, redact: [], retentionDays: 0, keepPerName: 2 }, null as never);
  expect(await history.prune()).toBe(2);
  expect((await executions.find({ order: { jobId: 'ASC' } })).map((r) => r.jobId)).toEqual(['a3', 'a4', 'b1']);
});
