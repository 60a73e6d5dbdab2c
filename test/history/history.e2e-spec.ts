import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import {
  Every,
  JobEventBus,
  JobProcessor,
  JobService,
  JobsModule,
  type ExecutionStatus,
  type JobContext,
  type JobHandler,
} from '../../lib/index.js';
import { HistoryRecorder, JOB_HISTORY_MIGRATIONS, JobDefinitionService, JobExecution, JobHistoryService } from '../../lib/history.entry.js';
import { QueueRegistry } from '../../lib/runtime/queue.registry.js';
import { DATABASES, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { testLogger } from '../support/logger.js';
import { deletePrefix, queueConnection, uniquePrefix } from '../support/services.js';
import { work } from '../support/sleep.js';
import { EventLog, waitUntil } from '../support/wait.js';

@JobProcessor('h.ok')
class OkJob implements JobHandler<Record<string, unknown>, unknown> {
  async handle(data: Record<string, unknown>, ctx: JobContext) {
    await ctx.progress(50);
    await ctx.log('half way');
    return { echo: data, token: 'result-secret' };
  }
}

@JobProcessor('h.flaky', { attempts: 2, backoff: 10 })
class FlakyJob implements JobHandler<unknown, string> {
  handle(_: unknown, ctx: JobContext) {
    if (ctx.attempt === 1) throw new Error('first attempt fails');
    return 'second time lucky';
  }
}

@JobProcessor('h.broken', { attempts: 2, backoff: 10 })
class BrokenJob implements JobHandler<unknown, never> {
  handle(): never {
    throw new Error('always broken');
  }
}

@JobProcessor('h.slow', { timeout: 200, attempts: 1 })
class SlowJob implements JobHandler<{ ms: number }, string> {
  async handle(data: { ms: number }, ctx: JobContext) {
    await work(data.ms, ctx.signal);
    return 'too late';
  }
}

@Injectable()
class Ticker {
  @Every(250, { name: 'h.tick', limit: 1 })
  tick() {
    return 'ticked';
  }
}

const PROVIDERS = [OkJob, FlakyJob, BrokenJob, SlowJob, Ticker];

interface HistoryApp {
  app: INestApplicationContext;
  jobs: JobService;
  history: JobHistoryService;
  definitions: JobDefinitionService;
  recorder: HistoryRecorder;
  executions: Repository<JobExecution>;
  events: EventLog;
}

async function createHistoryApp(db: TestDatabase, prefix: string): Promise<HistoryApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...db.options,
        autoLoadEntities: true,
        migrations: JOB_HISTORY_MIGRATIONS,
        migrationsRun: true,
        synchronize: false,
        retryAttempts: 1,
      }),
      JobsModule.forRoot({
        connection: queueConnection(prefix),
        prefix,
        history: { redact: ['password', 'TOKEN'], batchSize: 20, flushInterval: 50, retentionDays: 30 },
      }),
    ],
    providers: PROVIDERS,
  })
    .setLogger(testLogger())
    .compile();
  const events = new EventLog(moduleRef.get(JobEventBus));
  await moduleRef.init();
  return {
    app: moduleRef,
    jobs: moduleRef.get(JobService),
    history: moduleRef.get(JobHistoryService),
    definitions: moduleRef.get(JobDefinitionService),
    recorder: moduleRef.get(HistoryRecorder),
    executions: moduleRef.get(getRepositoryToken(JobExecution)),
    events,
  };
}

/** Waits until the job's recorded attempts have exactly these statuses, in attempt order. */
async function attemptsOf(h: HistoryApp, jobId: string, statuses: ExecutionStatus[]): Promise<JobExecution[]> {
  let rows: JobExecution[] = [];
  await waitUntil(
    async () => {
      await h.recorder.flush();
      rows = await h.history.attempts(jobId);
      return rows.map((r) => r.status).join() === statuses.join();
    },
    10_000,
    `attempts ${statuses.join(', ')} of ${jobId} (have ${rows.map((r) => r.status).join(', ')})`,
  );
  return rows;
}

describe.each(Object.keys(DATABASES) as DatabaseKind[])('job history on %s', (kind) => {
  let db: TestDatabase;
  let h: HistoryApp;
  const prefix = uniquePrefix('hist');

  beforeAll(async () => {
    db = await DATABASES[kind]();
    h = await createHistoryApp(db, prefix);
  });

  afterAll(async () => {
    await h?.app.close();
    h?.events.stop();
    await db?.drop();
    await deletePrefix(prefix);
  });

  it('computes the p95 duration as the value at rank ceil(0.95 n), and the mean, on this database', async () => {
    // 40 finished attempts of 1..40 ms in a window of their own, and one running (no duration), written directly.
    const since = new Date(Date.UTC(2001, 0, 1));
    const at = (k: number) => new Date(since.getTime() + k * 1000);
    const rows = Array.from({ length: 41 }, (_, k) => ({
      jobId: `p95-${k}`,
      queue: 'p95',
      name: 'h.p95',
      status: k === 40 ? ('running' as const) : ('completed' as const),
      attempt: 1,
      maxAttempts: 1,
      data: null,
      startedAt: at(k),
      durationMs: k === 40 ? null : 40 - k,
    }));
    await h.executions.insert(rows as never);
    const stats = await h.history.stats({ name: 'h.p95', since, until: at(60) });
    expect(stats).toMatchObject({ total: 41, byStatus: { completed: 40, running: 1 }, p95DurationMs: 38, meanDurationMs: 21 });
  });

  it('pages a time range by start time through its index, whatever order the rows were written in', async () => {
    // Inserted out of start order (as a recovered or long-running row would be), with two rows sharing a start.
    const base = Date.UTC(2002, 0, 1);
    const starts = [5, 1, 4, 4, 2, 9, 3, 0];
    await h.executions.insert(
      starts.map((s, k) => ({
        jobId: `range-${k}`,
        queue: 'range',
        name: 'h.range',
        status: 'completed' as const,
        attempt: 1,
        maxAttempts: 1,
        data: null,
        startedAt: new Date(base + s * 1000),
      })) as never,
    );
    const query = { from: new Date(base + 1000), to: new Date(base + 9000), limit: 2 };
    const seen: JobExecution[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.history.find({ ...query, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    // Starts 1..5 in [1 s, 9 s), newest first; the two at 4 s by id, newest first.
    expect(seen.map((r) => r.startedAt!.getTime() - base)).toEqual([5000, 4000, 4000, 3000, 2000, 1000]);
    expect(Number(seen[1].id)).toBeGreaterThan(Number(seen[2].id));
    expect(new Set(seen.map((r) => r.jobId)).size).toBe(6);

    // The migration's indexes are there, and the one they replace is gone.
    const table = await h.executions.manager.connection.createQueryRunner().getTable('job_executions');
    const indexes = table!.indices.map((i) => i.name);
    expect(indexes).toEqual(expect.arrayContaining(['IDX_job_executions_name_status_id', 'IDX_job_executions_started_id']));
    expect(indexes).not.toContain('IDX_job_executions_started');
  });

  it('records a successful attempt with its data, result, progress, logs, times and worker', async () => {
    const { id } = await h.jobs.add('h.ok', { to: 'ada' });
    const [row] = await attemptsOf(h, id, ['completed']);
    expect(row).toMatchObject({
      name: 'h.ok',
      queue: 'default',
      attempt: 1,
      maxAttempts: 3,
      data: { to: 'ada' },
      progress: 50,
      logs: ['half way'],
      workerPid: process.pid,
    });
    expect((row.result as { echo: unknown }).echo).toEqual({ to: 'ada' });
    expect(row.startedAt!.getTime()).toBeGreaterThanOrEqual(row.enqueuedAt!.getTime());
    expect(row.durationMs).toBe(row.finishedAt!.getTime() - row.startedAt!.getTime());
    expect(typeof row.id).toBe('string');
  });

  it('records a retry then success as two rows, and a failure after all attempts', async () => {
    const flaky = await h.jobs.add('h.flaky', {});
    const [first, second] = await attemptsOf(h, flaky.id, ['retrying', 'completed']);
    expect(first).toMatchObject({ attempt: 1, errorMessage: 'first attempt fails' });
    expect(first.errorStack).toContain('first attempt fails');
    expect(second).toMatchObject({ attempt: 2, result: 'second time lucky' });

    const broken = await h.jobs.add('h.broken', {});
    const rows = await attemptsOf(h, broken.id, ['retrying', 'failed']);
    expect(rows.map((r) => r.errorMessage)).toEqual(['always broken', 'always broken']);
  });

  it('records a timeout and a cancel', async () => {
    const slow = await h.jobs.add('h.slow', { ms: 10_000 });
    const [timedOut] = await attemptsOf(h, slow.id, ['timeout']);
    expect(timedOut.errorMessage).toMatch(/timed out after 200 ms/);

    const long = await h.jobs.add('h.slow', { ms: 10_000 }, { timeout: 30_000 });
    await h.events.waitFor('active', long.id);
    await h.jobs.cancel(long.id);
    await attemptsOf(h, long.id, ['cancelled']);

    const waiting = await h.jobs.add('h.ok', {}, { delay: 60_000 });
    await h.jobs.cancel(waiting.id);
    const [never] = await attemptsOf(h, waiting.id, ['cancelled']);
    expect(never).toMatchObject({ attempt: 0, startedAt: null });
  });

  it('records a cron run with its schedule', async () => {
    const done = await waitUntil(() => h.events.of('completed').find((e) => e.name === 'h.tick'), 10_000, 'a run of h.tick');
    const [row] = await attemptsOf(h, done.jobId, ['completed']);
    expect(row).toMatchObject({ name: 'h.tick', schedule: 'cron/h.tick', result: 'ticked' });
  });

  it('stores listed keys as [redacted] at any depth, in data and result', async () => {
    const data = { user: { password: 'p', profile: { Token: 't', name: 'Ada' } }, list: [{ PASSWORD: 'x', keep: 1 }] };
    const { id } = await h.jobs.add('h.ok', data);
    const [row] = await attemptsOf(h, id, ['completed']);
    expect(row.data).toEqual({
      user: { password: '[redacted]', profile: { Token: '[redacted]', name: 'Ada' } },
      list: [{ PASSWORD: '[redacted]', keep: 1 }],
    });
    expect(row.result).toMatchObject({ token: '[redacted]' });
  });

  it('runs definitions now and on their schedule, and reconciles their schedulers with the table', async () => {
    const definition = await h.definitions.create({
      name: `report-${kind}`,
      handler: 'h.ok',
      data: { report: 'sales' },
      memo: 'weekly',
      tags: ['finance'],
      by: 'ada',
    });
    const run = await h.definitions.execute(definition.id);
    const [row] = await attemptsOf(h, run.id, ['completed']);
    expect(row).toMatchObject({ definitionId: definition.id, data: { report: 'sales' } });

    await h.definitions.update(definition.id, { cron: '0 3 * * *', timeZone: 'Europe/Berlin', by: 'bob' });
    const scheduled = (await h.jobs.listSchedules()).find((s) => s.origin === 'definition');
    expect(scheduled).toMatchObject({ id: definition.id, name: 'h.ok', cron: '0 3 * * *', timeZone: 'Europe/Berlin' });
    expect(await h.definitions.get(definition.id)).toMatchObject({ createdBy: 'ada', updatedBy: 'bob', enabled: true, tags: ['finance'] });

    await h.definitions.update(definition.id, { enabled: false });
    expect((await h.jobs.listSchedules()).some((s) => s.origin === 'definition')).toBe(false);
    await h.definitions.update(definition.id, { enabled: true });
    await h.definitions.remove(definition.id);
    expect((await h.jobs.listSchedules()).some((s) => s.origin === 'definition')).toBe(false);
    await expect(h.definitions.create({ name: 'bad', handler: 'nope' })).rejects.toMatchObject({
      code: 'JOB_OPTIONS_INVALID',
      option: 'handler',
    });
    await expect(h.definitions.create({ name: 'bad', handler: 'h.ok', cron: 'every tuesday' })).rejects.toMatchObject({ option: 'cron' });
  });

  it('reconciles definition schedulers with the table at start-up', async () => {
    const definition = await h.definitions.create({ name: `nightly-${kind}`, handler: 'h.ok', cron: '0 2 * * *' });
    // Another instance deleted one definition's scheduler and left a scheduler whose row is gone.
    const defaultQueue = h.app.get(QueueRegistry).get('default');
    await defaultQueue.removeJobScheduler(`definition/${definition.id}`);
    await defaultQueue.upsertJobScheduler('definition/deleted-elsewhere', { pattern: '0 4 * * *' }, { name: 'h.ok', data: {} });
    await h.definitions.onApplicationBootstrap();
    const ids = (await h.jobs.listSchedules()).filter((s) => s.origin === 'definition').map((s) => s.id);
    expect(ids).toEqual([definition.id]);
    await h.definitions.remove(definition.id);
  });

  it('finds executions page by page, and reports counts and durations', async () => {
    const handles = await h.jobs.addBulk([1, 2, 3].map((n) => ({ name: 'h.flaky', data: { n } })));
    for (const handle of handles) await attemptsOf(h, handle.id, ['retrying', 'completed']);
    const first = await h.history.find({ name: 'h.flaky', status: 'completed', limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await h.history.find({ name: 'h.flaky', status: 'completed', limit: 2, cursor: first.nextCursor });
    const ids = [...first.items, ...second.items].map((r) => r.jobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(handles.map((x) => x.id)));

    const stats = await h.history.stats({ name: 'h.flaky' });
    expect(stats.byStatus.completed).toBeGreaterThanOrEqual(3);
    expect(stats.byStatus.retrying).toBeGreaterThanOrEqual(3);
    expect(stats.p95DurationMs).toBeGreaterThanOrEqual(0);
    await expect(h.history.find({ limit: 0 })).rejects.toMatchObject({ option: 'limit' });
  });

  it('deletes executions past retention', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    await h.executions.insert({
      jobId: `old-${kind}`,
      queue: 'default',
      name: 'h.ok',
      status: 'completed',
      attempt: 1,
      maxAttempts: 1,
      startedAt: old,
      finishedAt: old,
    });
    const { id } = await h.jobs.add('h.ok', {});
    await attemptsOf(h, id, ['completed']);
    expect(await h.history.prune()).toBeGreaterThanOrEqual(1);
    expect(await h.history.attempts(`old-${kind}`)).toEqual([]);
    expect(await h.history.attempts(id)).toHaveLength(1);
    expect((await h.jobs.listSchedules()).find((s) => s.id === 'jobs.history.retention')).toMatchObject({
      origin: 'code',
      distributed: true,
    });
  });

  it('writes every row exactly once after the database was unreachable for seconds', async () => {
    const restore = await db.cutOff();
    const cutAt = Date.now();
    const ids: string[] = [];
    try {
      // A stream of jobs for three seconds of outage: each completes on time while its row waits.
      while (Date.now() - cutAt < 3_000) {
        const { id } = await h.jobs.add('h.ok', { i: ids.length });
        ids.push(id);
        await h.events.waitFor('completed', id);
      }
      await h.recorder.flush();
      expect(h.recorder.backlog).toBeGreaterThan(0);
    } finally {
      await restore();
    }
    await waitUntil(
      async () => {
        await h.recorder.flush();
        return h.recorder.backlog === 0;
      },
      20_000,
      'the held rows to be written',
    );
    const rows = await h.executions.createQueryBuilder('e').where('e.jobId IN (:...ids)', { ids }).getMany();
    expect(rows).toHaveLength(ids.length);
    expect(new Set(rows.map((r) => r.jobId)).size).toBe(ids.length);
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
  });
});
