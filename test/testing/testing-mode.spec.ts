import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsEmail, IsString } from 'class-validator';
import {
  BullMqFactory,
  Cron,
  JobEventBus,
  JobFailedError,
  JobPayloadValidationError,
  JobProcessor,
  JobService,
  JobsTesting,
  JobsTestingModule,
  OnJobEvent,
  RetryJobError,
  UnrecoverableJobError,
  createJobContext,
  type JobContext,
  type JobEventOf,
  type JobHandler,
  type JobsTestingOptions,
} from '../../lib/index.js';

class WelcomeMail {
  @IsEmail() to!: string;
  @IsString() name!: string;
}

/** The host's code under test: a service that enqueues. */
@Injectable()
class Signup {
  constructor(private readonly jobs: JobService) {}
  async register(email: string, name: string) {
    return this.jobs.add('mail.welcome', { to: email, name }, { jobId: `welcome:${email}`, priority: 'high' });
  }
}

@Injectable()
@JobProcessor('mail.welcome', { schema: WelcomeMail, attempts: 3 })
class WelcomeJob implements JobHandler<WelcomeMail, string> {
  readonly sent: string[] = [];
  failFirst = false;
  async handle(data: WelcomeMail, ctx: JobContext<WelcomeMail>): Promise<string> {
    if (this.failFirst && ctx.attempt === 1) throw new RetryJobError('smtp busy', 60_000);
    await ctx.log(`to ${data.to}`);
    this.sent.push(data.to);
    return `sent to ${data.to} (${data instanceof WelcomeMail ? 'instance' : 'plain'})`;
  }
}

@Injectable()
@JobProcessor('report.part')
class PartJob implements JobHandler<{ n: number }, number> {
  async handle(data: { n: number }) {
    return data.n * 10;
  }
}

@Injectable()
@JobProcessor('report.total')
class TotalJob implements JobHandler<unknown, number> {
  async handle(_data: unknown, ctx: JobContext) {
    const parts = await ctx.childResults<number>();
    return Object.values(parts).reduce((a, b) => a + b, 0);
  }
}

@Injectable()
@JobProcessor('always.fails', { attempts: 2 })
class FailingJob implements JobHandler<{ unrecoverable?: boolean }, never> {
  async handle(data: { unrecoverable?: boolean }): Promise<never> {
    throw data.unrecoverable ? new UnrecoverableJobError('bad input') : new Error('down');
  }
}

@Injectable()
@JobProcessor('slow', { timeout: 50 })
class SlowJob implements JobHandler<unknown, void> {
  async handle(_data: unknown, ctx: JobContext): Promise<void> {
    await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)));
  }
}

/** Adds itself again, for ever. */
@Injectable()
@JobProcessor('echo')
class Echo implements JobHandler<unknown, void> {
  jobs?: JobService;
  async handle() {
    await this.jobs!.add('echo', {});
  }
}

@Injectable()
class Maintenance {
  runs = 0;
  @Cron('0 3 * * *', { name: 'maintenance.nightly' })
  nightly() {
    this.runs++;
    return 'cleaned';
  }
}

@Injectable()
class Audit {
  readonly completed: string[] = [];
  @OnJobEvent('completed')
  onCompleted(event: JobEventOf<'completed'>) {
    this.completed.push(`${event.name}#${event.jobId}`);
  }
}

const PROVIDERS = [Signup, WelcomeJob, PartJob, TotalJob, FailingJob, SlowJob, Echo, Maintenance, Audit];
let app: INestApplicationContext | undefined;

async function start(options: JobsTestingOptions = {}) {
  const moduleRef = await Test.createTestingModule({ imports: [JobsTestingModule.forRoot(options)], providers: PROVIDERS }).compile();
  app = await moduleRef.init();
  return { jobs: app.get(JobService), testing: app.get(JobsTesting), get: <T>(type: new (...args: never[]) => T) => app!.get(type) };
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('JobsTestingModule, fake mode (the default)', () => {
  it('records what the code under test enqueued, with its data and options, and runs nothing until drain()', async () => {
    const { testing, get } = await start();
    await get(Signup).register('ada@example.com', 'Ada');

    expect(testing.mode).toBe('fake');
    expect(testing.enqueued('mail.welcome')).toEqual([
      expect.objectContaining({
        id: 'welcome:ada@example.com',
        queue: 'default',
        data: { to: 'ada@example.com', name: 'Ada' },
        state: 'waiting',
        options: expect.objectContaining({ attempts: 3, priority: 10 }),
      }),
    ]);
    expect(get(WelcomeJob).sent).toEqual([]);

    expect(await testing.drain()).toBe(1);
    expect(get(WelcomeJob).sent).toEqual(['ada@example.com']);
    expect(testing.enqueued()).toEqual([
      expect.objectContaining({ state: 'completed', attemptsMade: 1, result: 'sent to ada@example.com (instance)' }),
    ]);
    expect(get(Audit).completed).toEqual(['mail.welcome#welcome:ada@example.com']);
  });

  it('builds no queue backend at all', async () => {
    await start();
    expect(() => app!.get(BullMqFactory, { strict: false })).toThrow();
  });

  it('validates as JobsModule does: a bad payload is refused before anything is recorded', async () => {
    const { jobs, testing } = await start();
    await expect(jobs.add('mail.welcome', { to: 'not-an-email', name: 'Ada' })).rejects.toBeInstanceOf(JobPayloadValidationError);
    await expect(jobs.add('no.such.job', {})).rejects.toThrow('Unknown job "no.such.job"');
    expect(testing.enqueued()).toEqual([]);
  });

  it('adds nothing under an id already taken, as BullMQ does', async () => {
    const { jobs, testing } = await start();
    const first = await jobs.add('report.part', { n: 1 }, { jobId: 'p:1' });
    const again = await jobs.add('report.part', { n: 2 }, { jobId: 'p:1' });
    expect(again).toEqual(first);
    expect(testing.enqueued().map((j) => j.data)).toEqual([{ n: 1 }]);
  });

  it('cancels a waiting job, and answers get, list and counts from memory', async () => {
    const { jobs, testing } = await start();
    const a = await jobs.add('report.part', { n: 1 });
    const b = await jobs.add('report.part', { n: 2 });
    expect(await jobs.cancel(a.id)).toEqual({ id: a.id, state: 'cancelled' });
    await testing.drain();
    expect((await jobs.get(a.id))?.state).toBe('cancelled');
    expect(await jobs.get(b.id)).toMatchObject({ state: 'completed', result: 20, attemptsMade: 1 });
    expect(await jobs.counts('default')).toMatchObject({ completed: 1, failed: 1, waiting: 0 });
    expect((await jobs.list({ state: 'completed' })).map((j) => j.id)).toEqual([b.id]);
  });

  it('runs nothing of a paused queue until it is resumed', async () => {
    const { jobs, testing } = await start();
    await jobs.pause('default');
    await jobs.add('report.part', { n: 1 });
    expect(await testing.drain()).toBe(0);
    await jobs.resume('default');
    expect(await testing.drain()).toBe(1);
  });

  it('runs one tick of a @Cron method or of a run-time schedule on trigger()', async () => {
    const { jobs, testing, get } = await start();
    expect((await jobs.listSchedules()).map((s) => [s.id, s.origin])).toEqual([['maintenance.nightly', 'code']]);
    await testing.trigger('maintenance.nightly');
    expect(get(Maintenance).runs).toBe(0);
    await testing.drain();
    expect(get(Maintenance).runs).toBe(1);

    await jobs.schedule('report.part', { id: 'hourly:part', every: 3_600_000, data: { n: 4 } });
    expect((await testing.trigger('hourly:part')).schedule).toBe('schedule/hourly:part');
    await testing.drain();
    expect(testing.enqueued('report.part')).toEqual([expect.objectContaining({ state: 'completed', result: 40 })]);
    await expect(jobs.schedule('report.part', { every: 1000, cron: '* * * * *' })).rejects.toThrow('"every" must be given, and not both');
    await expect(testing.trigger('nope')).rejects.toThrow('No schedule with id "nope"');
  });

  it('stops a drain that never ends, naming the job that keeps coming', async () => {
    const { jobs, testing, get } = await start();
    get(Echo).jobs = jobs;
    await jobs.add('echo', {});
    await expect(testing.drain()).rejects.toThrow('drain() ran 10000 jobs and more keep coming; the last was "echo".');
  });

  it('resolves waitUntilFinished once drain() has run the job', async () => {
    const { jobs, testing } = await start();
    const { id } = await jobs.add('report.part', { n: 7 });
    const result = jobs.waitUntilFinished<number>(id, { timeout: 5_000 });
    await testing.drain();
    await expect(result).resolves.toBe(70);
  });
});

describe('JobsTestingModule, inline mode', () => {
  it('runs each job as it is added: add resolves once it has ended', async () => {
    const { jobs, get } = await start({ mode: 'inline' });
    const { id } = await get(Signup).register('grace@example.com', 'Grace');
    expect(get(WelcomeJob).sent).toEqual(['grace@example.com']);
    expect(await jobs.get(id)).toMatchObject({ state: 'completed', attemptsMade: 1 });
    await expect(jobs.waitUntilFinished(id)).resolves.toBe('sent to grace@example.com (instance)');
  });

  it('retries without waiting out the backoff, with a retrying event between the attempts', async () => {
    const { jobs, get } = await start({ mode: 'inline' });
    get(WelcomeJob).failFirst = true;
    const events: string[] = [];
    get(JobEventBus).subscribe({ event: '*' }, (e) => events.push(`${e.type}${'attempt' in e ? ` ${e.attempt}` : ''}`));
    const { id } = await jobs.add('mail.welcome', { to: 'lin@example.com', name: 'Lin' });
    // RetryJobError asked for a minute's wait: the testing mode runs the retry at once.
    expect(events).toEqual(['enqueued', 'active 1', 'retrying 1', 'active 2', 'log 2', 'completed 2']);
    expect(await jobs.get(id)).toMatchObject({ state: 'completed', attemptsMade: 2 });
  });

  it('ends a job as failed after its attempts, at once when unrecoverable, and as timeout past its timeout', async () => {
    const { jobs } = await start({ mode: 'inline' });
    const down = await jobs.add('always.fails', {});
    expect(await jobs.get(down.id)).toMatchObject({ state: 'failed', attemptsMade: 2, failedReason: 'down' });
    const bad = await jobs.add('always.fails', { unrecoverable: true });
    expect(await jobs.get(bad.id)).toMatchObject({ state: 'failed', attemptsMade: 1, failedReason: 'bad input' });
    await expect(jobs.waitUntilFinished(bad.id)).rejects.toBeInstanceOf(JobFailedError);
    const slow = await jobs.add('slow', {});
    expect(await jobs.get(slow.id)).toMatchObject({ state: 'timeout' });

    await jobs.retry(down.id);
    expect(await jobs.get(down.id)).toMatchObject({ state: 'failed', attemptsMade: 2 });
  });

  it('runs a flow children first, giving the parent their results; a failed child fails its parent; chain runs in order', async () => {
    const { jobs, testing, get } = await start({ mode: 'inline' });
    const flow = await jobs.flow({
      name: 'report.total',
      data: {},
      children: [1, 2, 3].map((n) => ({ name: 'report.part', data: { n } })),
    });
    expect(await jobs.get(flow.id)).toMatchObject({ state: 'completed', result: 60 });
    expect(flow.children).toHaveLength(3);

    const failing = await jobs.flow({
      name: 'report.total',
      data: {},
      children: [{ name: 'always.fails', data: { unrecoverable: true } }],
    });
    expect(await jobs.get(failing.id)).toMatchObject({ state: 'failed', attemptsMade: 0 });

    testing.clear();
    get(Audit).completed.length = 0;
    const chain = await jobs.chain([
      { name: 'report.part', data: { n: 1 } },
      { name: 'report.part', data: { n: 2 } },
      { name: 'report.part', data: { n: 3 } },
    ]);
    expect(get(Audit).completed).toEqual(chain.map((h) => `report.part#${h.id}`));
  });
});

describe('createJobContext', () => {
  it('runs a handler alone, with no module, and keeps what it logged', async () => {
    const job = new WelcomeJob();
    const ctx = createJobContext({ to: 'ada@example.com', name: 'Ada' }, { attempt: 2, maxAttempts: 3 });
    await expect(job.handle(ctx.data, ctx)).resolves.toBe('sent to ada@example.com (plain)');
    expect(ctx.logs).toEqual(['to ada@example.com']);
    expect([ctx.attempt, ctx.maxAttempts]).toEqual([2, 3]);
  });

  it('aborts the signal as a timeout or cancel would', async () => {
    const ctx = createJobContext({});
    const running = new SlowJob().handle({}, ctx);
    ctx.abort(new Error('cancelled by the test'));
    await expect(running).rejects.toThrow('cancelled by the test');
  });
});

describe('JobsTestingModule options', () => {
  it.each([
    [{ mode: 'sync' }, 'JobsModule option "mode" must be \'inline\' or \'fake\'; got "sync".'],
    [{ maxPayloadBytes: -1 }, 'JobsModule option "maxPayloadBytes" must be a positive integer; got -1.'],
  ])('refuses %j naming the option', (options, message) => {
    expect(() => JobsTestingModule.forRoot(options as JobsTestingOptions)).toThrow(message);
  });
});
