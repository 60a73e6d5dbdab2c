import { afterEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { JobProcessor, JobService, JobsModule, type JobContext, type JobHandler } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { deletePrefix, onPostgres, queueConnection, rawQueue, uniquePrefix } from '../support/services.js';
import { work } from '../support/sleep.js';
import { EventLog, waitUntil } from '../support/wait.js';
import { JobEventBus } from '../../lib/index.js';

@JobProcessor('step.one')
class StepOne implements JobHandler<{ ms: number }, string> {
  constructor(private readonly jobs: JobService) {}
  async handle(data: { ms: number }, ctx: JobContext) {
    await work(data.ms, ctx.signal);
    // A job finishing during shutdown may still enqueue its follow-up.
    await this.jobs.add('step.two', { from: ctx.id });
    return 'one';
  }
}

@JobProcessor('step.two')
class StepTwo implements JobHandler<{ from: string }, string> {
  handle() {
    return 'two';
  }
}

describe('start and shutdown', () => {
  let t: JobsTestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('lets an in-flight job finish, and enqueue its follow-up, before closing', async () => {
    t = await createJobsApp([StepOne, StepTwo], {}, { cleanup: false });
    const { id } = await t.jobs.add('step.one', { ms: 600 });
    await t.events.waitFor('active', id);
    const app = t;
    t = undefined;
    await app.close();
    expect(app.events.of('completed', id)).toHaveLength(1);
    const { queue, close } = rawQueue('default', app.prefix);
    try {
      const followUps = await queue.getJobs(['prioritized', 'wait']);
      expect(followUps.map((j) => [j.name, j.data])).toEqual([['step.two', { from: id }]]);
    } finally {
      await close();
      await deletePrefix(app.prefix);
    }
  });

  it('returns a job still running after shutdownTimeout to its queue, with no attempt used', async () => {
    t = await createJobsApp([StepOne, StepTwo], { shutdownTimeout: 200 }, { cleanup: false });
    const { id } = await t.jobs.add('step.one', { ms: 30_000 });
    await t.events.waitFor('active', id);
    const app = t;
    t = undefined;
    await app.close();
    expect(app.events.of('failed', id)).toHaveLength(0);
    expect(app.events.of('retrying', id)).toMatchObject([{ retryDelay: 0, error: { name: 'ShutdownAbort' } }]);
    t = await createJobsApp([StepOne, StepTwo], { prefix: app.prefix, workers: false });
    expect(await t.jobs.get(id)).toMatchObject({ state: 'prioritized', attemptsMade: 0 });
  });

  it('leaves the global concurrency of a queue to the instances that work it', async () => {
    t = await createJobsApp([StepTwo], { queues: { default: { globalConcurrency: 2 } } });
    const producer = await createJobsApp([StepTwo], { prefix: t.prefix, workers: false }, { cleanup: false });
    const { queue, close } = rawQueue('default', t.prefix);
    try {
      expect(await queue.getGlobalConcurrency()).toBe(2);
    } finally {
      await producer.close();
      await close();
    }
  });

  it('starts no worker on a producer-only instance; a worker instance then runs what it queued', async () => {
    t = await createJobsApp([StepTwo], { workers: false });
    const { id } = await t.jobs.add('step.two', { from: 'x' });
    const { queue, close } = rawQueue('default', t.prefix);
    try {
      expect(['waiting', 'prioritized']).toContain((await t.jobs.get(id))?.state);
      // BullMQ's PostgreSQL backend counts the workers of a queue name in every schema of the database (other suites
      // run `default` workers meanwhile), so the count is exact on Redis only.
      if (!onPostgres) expect(await queue.getWorkersCount()).toBe(0);
      const worker = await createJobsApp([StepTwo], { prefix: t.prefix }, { cleanup: false });
      try {
        expect(await queue.getWorkersCount()).toBeGreaterThan(0);
        await worker.events.waitFor('completed', id);
      } finally {
        await worker.close();
      }
    } finally {
      await close();
    }
  });

  it('does not take jobs before the application has finished bootstrapping', async () => {
    const prefix = uniquePrefix();
    const producer = await createJobsApp([StepTwo], { prefix, workers: false }, { cleanup: false });
    const { id } = await producer.jobs.add('step.two', { from: 'early' });
    const moduleRef = await Test.createTestingModule({
      imports: [JobsModule.forRoot({ connection: queueConnection(prefix), prefix })],
      providers: [StepTwo],
    })
      .setLogger(false as never)
      .compile();
    const events = new EventLog(moduleRef.get(JobEventBus));
    try {
      // Compiled but not initialised: modules are built, bootstrap has not run.
      expect(events.events).toHaveLength(0);
      expect((await producer.jobs.get(id))?.state).toBe('prioritized');
      await moduleRef.init();
      await events.waitFor('completed', id);
    } finally {
      events.stop();
      await moduleRef.close();
      await producer.close();
      await deletePrefix(prefix);
    }
  });

  it('takes per-queue concurrency from forRootAsync', async () => {
    let running = 0;
    let peak = 0;
    @JobProcessor('wide', { queue: 'wide', timeout: 5_000 })
    class WideJob implements JobHandler<unknown, number> {
      async handle(_: unknown, ctx: JobContext) {
        peak = Math.max(peak, ++running);
        await waitUntil(() => peak >= 3 || ctx.signal.aborted, 5_000, 'three running together');
        running--;
        return peak;
      }
    }
    const CONFIG = 'CONFIG';
    @Module({ providers: [{ provide: CONFIG, useValue: { wideConcurrency: 3 } }], exports: [CONFIG] })
    class ConfigModule {}
    const prefix = uniquePrefix();
    const moduleRef = await Test.createTestingModule({
      imports: [
        JobsModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (config: { wideConcurrency: number }) => ({
            connection: queueConnection(prefix),
            prefix,
            queues: { wide: { concurrency: config.wideConcurrency } },
          }),
        }),
      ],
      providers: [WideJob],
    })
      .setLogger(false as never)
      .compile();
    const events = new EventLog(moduleRef.get(JobEventBus));
    await moduleRef.init();
    try {
      const handles = await moduleRef.get(JobService).addBulk([1, 2, 3].map(() => ({ name: 'wide', data: {} })));
      await Promise.all(handles.map((h) => events.waitFor('completed', h.id)));
      expect(peak).toBe(3);
    } finally {
      events.stop();
      await moduleRef.close();
      await deletePrefix(prefix);
    }
  });
});
