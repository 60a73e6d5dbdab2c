import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, getRepositoryToken } from '@nestjs/typeorm';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { In, type Repository } from 'typeorm';
import {
  JobEventBus,
  JobProcessor,
  JobService,
  JobsMetrics,
  JobsModule,
  type JobHandler,
  type JobsModuleOptions,
} from '../../lib/index.js';
import { HistoryRecorder, JOB_HISTORY_MIGRATIONS, JobExecution } from '../../lib/history.entry.js';
import { HistoryRepairer } from '../../lib/history/history.repairer.js';
import { upsertExecutions } from '../../lib/history/execution-upsert.js';
import type { ExecutionRow } from '../../lib/history/execution-rows.js';
import { jobEvents } from '../../lib/runtime/job-events.js';
import { QueueRegistry } from '../../lib/runtime/queue.registry.js';
import { Job } from 'bullmq';
import { DATABASES, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { testLogger } from '../support/logger.js';
import {
  REDIS_URL,
  deletePrefix,
  migrateQueues,
  onPostgres,
  postgresAdmin,
  queueConnection,
  schemaOf,
  uniquePrefix,
} from '../support/services.js';
import { Redis } from 'ioredis';
import { waitUntil } from '../support/wait.js';
import { createJobsApp } from '../support/jobs-app.js';

const root = new URL('../../', import.meta.url).pathname;

/** This process only enqueues and checks the stream; the job itself runs in the child (or, in the race test, here). */
@JobProcessor('durable.work', { attempts: 2, backoff: 0 })
class Work implements JobHandler<{ n: number; failFirst?: boolean; failAlways?: boolean }, unknown> {
  handle(data: { n: number }) {
    return { n: data.n, token: 'secret' };
  }
}

async function historyApp(
  db: TestDatabase,
  prefix: string,
  workers: boolean,
  logger: LoggerService = testLogger(),
  options: Partial<JobsModuleOptions> = {},
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...db.options,
        autoLoadEntities: true,
        migrations: JOB_HISTORY_MIGRATIONS,
        migrationsRun: true,
        retryAttempts: 1,
      }),
      JobsModule.forRoot({
        connection: queueConnection(prefix),
        prefix,
        workers,
        history: { flushInterval: 200, recoverAfter: 600, redact: ['token'] },
        metrics: {},
        ...options,
        defaultJobOptions: { removeOnComplete: false, removeOnFail: false },
      }),
    ],
    providers: [Work],
  })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

const base = (attempt: number, status: ExecutionRow['status'], recovered: boolean, extra: Partial<ExecutionRow> = {}): ExecutionRow => ({
  jobId: 'race-1',
  queue: 'default',
  name: 'durable.work',
  status,
  attempt,
  maxAttempts: 2,
  data: null,
  result: null,
  errorMessage: null,
  errorStack: null,
  progress: null,
  logs: null,
  enqueuedAt: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  workerHost: null,
  workerPid: null,
  schedule: null,
  definitionId: null,
  recovered,
  ...extra,
});

describe.each(['postgres', 'mariadb', 'sqlite'] as DatabaseKind[])('durable history on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await DATABASES[kind]();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("keeps an attempt's furthest status whatever order writes land in, and prefers the worker's own row", async () => {
    const prefix = uniquePrefix('order');
    const app = await historyApp(db, prefix, false);
    try {
      const executions = app.get<Repository<JobExecution>>(getRepositoryToken(JobExecution));
      const read = async () => await executions.findOneByOrFail({ jobId: 'race-1', attempt: 1 });
      await upsertExecutions(executions, [base(1, 'running', false, { workerPid: 1 })]);
      await upsertExecutions(executions, [base(1, 'completed', false, { workerPid: 1, result: 'done' })]);
      // A stalled report of the same attempt, from another instance, lands last.
      await upsertExecutions(executions, [base(1, 'retrying', false, { errorMessage: 'stalled' })]);
      await upsertExecutions(executions, [base(1, 'running', false)]);
      expect(await read()).toMatchObject({ status: 'completed', result: 'done', errorMessage: null, workerPid: 1 });
      // A row recovered from the stream never replaces the worker's own of the same status...
      await upsertExecutions(executions, [base(1, 'completed', true, { result: 'from the stream' })]);
      expect(await read()).toMatchObject({ result: 'done', recovered: false });
      // ...and the worker's own replaces a recovered one.
      await upsertExecutions(executions, [base(2, 'failed', true, { errorMessage: 'reason only' })]);
      await upsertExecutions(executions, [base(2, 'failed', false, { errorMessage: 'full', errorStack: 'Error: full' })]);
      expect(await executions.findOneByOrFail({ jobId: 'race-1', attempt: 2 })).toMatchObject({ errorMessage: 'full', recovered: false });
      expect(await executions.countBy({ jobId: 'race-1' })).toBe(2);
    } finally {
      await app.close();
      await deletePrefix(prefix);
    }
  });

  it('a stall reported after the re-run completed leaves the attempt completed, with no row of its own', async () => {
    const prefix = uniquePrefix('stall');
    const worker = await historyApp(db, prefix, true);
    const other = await historyApp(db, prefix, false);
    try {
      const jobs = worker.get(JobService);
      const { id } = await jobs.add('durable.work', { n: 7 });
      await jobs.waitUntilFinished(id, { timeout: 10_000 });
      await worker.get(HistoryRecorder).flush();
      const executions = worker.get<Repository<JobExecution>>(getRepositoryToken(JobExecution));
      await waitUntil(async () => (await executions.findOneBy({ jobId: id }))?.status === 'completed', 10_000, 'the completed row');
      // The instance that detected a stall reports it only now, reading the job after its re-run has completed.
      const job = (await Job.fromId(other.get(QueueRegistry).get('default'), id))!;
      const stalled = jobEvents.stalled(job, { jobId: id, queue: 'default' });
      expect(stalled.attempt).toBe(1);
      other.get(JobEventBus).publish(stalled);
      await other.get(HistoryRecorder).flush();
      // No row of a second attempt that never ran, and the completed one as the re-run wrote it.
      expect(await executions.findBy({ jobId: id })).toEqual([
        expect.objectContaining({ attempt: 1, status: 'completed', result: { n: 7, token: '[redacted]' } }),
      ]);
    } finally {
      await other.close();
      await worker.close();
      await deletePrefix(prefix);
    }
  });

  it.each([
    ['while the database answers', false],
    ['across a database outage, with one warning and one recovery line', true],
  ])(
    "writes the rows a SIGKILLed process held in memory, from the queue's event stream, %s",
    async (_, outage) => {
      const prefix = uniquePrefix('killed');
      await migrateQueues(prefix);
      const logged: Array<[string, string]> = [];
      const logger: LoggerService = {
        log: (message: string) => void logged.push(['log', String(message)]),
        warn: (message: string) => void logged.push(['warn', String(message)]),
        error: (message: string) => void logged.push(['error', String(message)]),
      };
      // This instance starts first, so it holds the stream lease when the worker dies.
      const checker = await historyApp(db, prefix, false, logger);
      const repairer = checker.get(HistoryRepairer);
      await waitUntil(() => repairer.leads('default'), 10_000, 'the stream lease');
      // One job under a key of the user's own, which BullMQ could not take as it is.
      const items = Array.from({ length: 30 }, (_, n) => ({
        name: 'durable.work',
        data: { n, failFirst: n % 5 === 0, failAlways: n === 29 },
        options: n === 3 ? { jobId: `order:3:${prefix}` } : undefined,
      }));
      const child = spawn(process.execPath, ['test/history/fixtures/unflushed-worker.mjs'], {
        cwd: root,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)),
          PREFIX: prefix,
          DB_OPTIONS: JSON.stringify(db.options),
          EXPECTED: String(items.length),
        },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      try {
        await waitUntil(() => out.includes('READY'), 30_000, 'the worker').catch((e: Error) => {
          throw new Error(`${e.message}; it wrote: ${err || '(nothing)'}`);
        });
        const handles = await checker.get(JobService).addBulk(items);
        await waitUntil(() => out.includes('DONE'), 30_000, 'every job to end in the worker');
        child.kill('SIGKILL');
        await once(child, 'exit');
        if (outage) {
          // The database goes away before the rows are checked, and comes back once a check has failed.
          const restore = await db.cutOff();
          await waitUntil(() => logged.some(([, m]) => m.startsWith('Job history recovery failed')), 20_000, 'a failed check');
          await restore();
        }

        const executions = checker.get<Repository<JobExecution>>(getRepositoryToken(JobExecution));
        const expectedRows = items.reduce((sum, i) => sum + (i.data.failFirst || i.data.failAlways ? 2 : 1), 0);
        // Other tests of this database wrote rows too; only this test's jobs count.
        const ours = { jobId: In(handles.map((h) => h.id)) };
        await waitUntil(async () => (await executions.countBy(ours)) >= expectedRows, 20_000, `${expectedRows} rows`);
        const rows = await executions.find({ where: ours, order: { jobId: 'ASC', attempt: 'ASC' } });
        expect(rows).toHaveLength(expectedRows);
        expect(rows.every((r) => r.recovered)).toBe(true);
        for (const [index, handle] of handles.entries()) {
          const { data } = items[index];
          const mine = rows.filter((r) => r.jobId === handle.id);
          const statuses = mine.map((r) => r.status);
          if (data.failAlways) expect(statuses).toEqual(['retrying', 'failed']);
          else if (data.failFirst) expect(statuses).toEqual(['retrying', 'completed']);
          else expect(statuses).toEqual(['completed']);
          const last = mine.at(-1)!;
          expect(last).toMatchObject({
            name: 'durable.work',
            data: data,
            maxAttempts: 2,
            logs: expect.arrayContaining([`line of ${data.n}`]),
          });
          expect(last.startedAt).toBeInstanceOf(Date);
          expect(last.finishedAt).toBeInstanceOf(Date);
          if (last.status === 'completed') expect(last.result).toEqual({ n: data.n, token: '[redacted]' });
          if (data.failFirst) expect(mine[0].errorMessage).toBe(`first attempt of ${data.n} fails`);
          if (data.failAlways) expect(last.errorMessage).toBe(`${data.n} always fails`);
        }
        expect(handles[3].id).toBe(`order:3:${prefix}`);
        if (outage) {
          // One warning for the outage, one line when it is over (written once the whole check has run): never one per retry.
          const recoveryLines = () =>
            logged.filter(([level, m]) => level === 'log' && m.startsWith('Job history recovery is running again'));
          await waitUntil(() => recoveryLines().length, 10_000, 'the recovery line');
          expect(logged.filter(([, m]) => m.startsWith('Job history recovery failed'))).toHaveLength(1);
          expect(recoveryLines()).toHaveLength(1);
        }
        expect(rows.filter((r) => r.jobId === `order:3:${prefix}`)).toHaveLength(1);
        await waitUntil(() => repairer.stats.recovered >= expectedRows, 5_000, 'the recovered rows counted');
        expect(repairer.stats).toMatchObject({ recovered: expectedRows, partial: 0, gaps: 0 });
        const scraped = await checker.get(JobsMetrics).metrics();
        expect(scraped).toContain(`jobs_history_recovered_rows_total ${expectedRows}`);
        expect(scraped).toContain('jobs_history_stream_gaps_total 0');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await checker.close();
        await deletePrefix(prefix);
      }
    },
    90_000,
  );
});

describe('a queue event stream trimmed while no instance read it', () => {
  /** Deletes every event of the queue but the newest, as BullMQ's trimming would past a short stream. */
  const trim = async (prefix: string) => {
    if (onPostgres) {
      const events = `"${schemaOf(prefix)}".event`;
      await postgresAdmin(`DELETE FROM ${events} WHERE queue = 'default' AND id < (SELECT max(id) FROM ${events} WHERE queue = 'default')`);
      return;
    }
    const redis = new Redis(REDIS_URL);
    await redis.xtrim(`${prefix}:default:events`, 'MAXLEN', 0);
    redis.disconnect();
  };

  it('is found by the next instance, logged with its span and counted', async () => {
    const db = await DATABASES.sqlite();
    const prefix = uniquePrefix('gap');
    const warnings: string[] = [];
    const logger: LoggerService = { log() {}, error() {}, warn: (message: string) => void warnings.push(String(message)) };
    try {
      // A short stream, so that a few jobs run past it (PostgreSQL tells a trim by how far ids ran past the stream's length).
      const short = { eventStreamLength: 5 };
      const first = await historyApp(db, prefix, true, testLogger(), short);
      await waitUntil(() => first.get(HistoryRepairer).leads('default'), 10_000, 'the stream lease');
      const { id } = await first.get(JobService).add('durable.work', { n: 1 });
      await first.get(JobService).waitUntilFinished(id, { timeout: 10_000 });
      await first.get(HistoryRepairer).drain();
      await first.close();
      // While no instance with history runs, jobs run and the stream is trimmed past where it was read.
      const worker = await createJobsApp([Work], { prefix, ...short }, { cleanup: false });
      const unread: string[] = [];
      for (const n of [2, 3, 4]) {
        const { id: key } = await worker.jobs.add('durable.work', { n });
        await worker.jobs.waitUntilFinished(key, { timeout: 10_000 });
        unread.push(key);
      }
      await worker.close();
      await trim(prefix);

      const next = await historyApp(db, prefix, false, logger, short);
      try {
        const repairer = next.get(HistoryRepairer);
        await waitUntil(() => repairer.leads('default'), 20_000, 'the stream lease');
        expect(repairer.stats.gaps).toBe(1);
        expect(warnings).toEqual([
          expect.stringMatching(
            /event stream of queue "default" was trimmed past where it was last read \(.+ deleted unread\); 3 row\(s\) recovered from the finished jobs the queue still keeps/,
          ),
        ]);
        // The jobs that ended unread are still kept by the queue, so their rows are recovered all the same.
        const executions = next.get<Repository<JobExecution>>(getRepositoryToken(JobExecution));
        const rows = await executions.findBy({ jobId: In(unread) });
        expect(rows.map((r) => [unread.indexOf(r.jobId), r.status, r.recovered, r.result]).sort()).toEqual(
          [2, 3, 4].map((n, i) => [i, 'completed', true, { n, token: '[redacted]' }]),
        );
        expect(await next.get(JobsMetrics).metrics()).toContain('jobs_history_stream_gaps_total 1');
      } finally {
        await next.close();
      }
    } finally {
      await deletePrefix(prefix);
      await db.drop();
    }
  }, 60_000);
});
