import { afterEach, describe, expect, it } from '@jest/globals';
import { JobProcessor, RetryJobError, UnrecoverableJobError, type JobContext, type JobHandler } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { work } from '../support/sleep.js';

@JobProcessor('math.add')
class AddJob implements JobHandler<{ a: number; b: number }, number> {
  async handle(data: { a: number; b: number }, ctx: JobContext) {
    await ctx.progress(50);
    await ctx.log(`adding ${data.a} and ${data.b}`);
    return data.a + data.b;
  }
}

const flakyCalls = new Map<string, number>();
@JobProcessor('flaky', { attempts: 3, backoff: { type: 'fixed', delay: 300 } })
class FlakyJob implements JobHandler<{ key: string }, string> {
  handle(data: { key: string }, ctx: JobContext) {
    flakyCalls.set(data.key, (flakyCalls.get(data.key) ?? 0) + 1);
    if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} fails`);
    return 'ok';
  }
}

@JobProcessor('doomed', { attempts: 5, backoff: 10 })
class DoomedJob implements JobHandler<unknown, never> {
  handle(): never {
    throw new UnrecoverableJobError('bad input, do not retry');
  }
}

@JobProcessor('later', { attempts: 2, backoff: { type: 'fixed', delay: 10 } })
class RetryLaterJob implements JobHandler<unknown, string> {
  handle(_: unknown, ctx: JobContext) {
    if (ctx.attempt === 1) throw new RetryJobError('upstream busy', 700);
    return 'done';
  }
}

@JobProcessor('again-now', { attempts: 2, backoff: { type: 'fixed', delay: 5_000 } })
class RetryNowJob implements JobHandler<unknown, string> {
  handle(_: unknown, ctx: JobContext) {
    if (ctx.attempt === 1) throw new RetryJobError('retry at once', -5);
    return 'done';
  }
}

@JobProcessor('slow', { timeout: 300, attempts: 1 })
class SlowJob implements JobHandler<{ ms: number }, string> {
  aborted = 0;
  async handle(data: { ms: number }, ctx: JobContext) {
    ctx.signal.addEventListener('abort', () => this.aborted++);
    await work(data.ms, ctx.signal);
    return 'finished';
  }
}

describe('worker runtime', () => {
  let t: JobsTestApp;
  afterEach(() => t?.close());

  it('runs a handler with its data and records its result and progress', async () => {
    t = await createJobsApp([AddJob]);
    const { id } = await t.jobs.add('math.add', { a: 2, b: 3 });
    const done = await t.events.waitFor('completed', id);
    expect(done.result).toBe(5);
    expect(t.events.of('progress', id)[0].progress).toBe(50);
    const info = await t.jobs.get(id);
    expect(info).toMatchObject({ state: 'completed', result: 5, progress: 50, attemptsMade: 1, name: 'math.add', queue: 'default' });
  });

  it('retries a failing handler after the backoff delay, then succeeds', async () => {
    t = await createJobsApp([FlakyJob]);
    const { id } = await t.jobs.add('flaky', { key: 'k1' });
    await t.events.waitFor('completed', id);
    const retries = t.events.of('retrying', id);
    expect(retries.map((e) => e.attempt)).toEqual([1, 2]);
    expect(retries.every((e) => e.retryDelay === 300)).toBe(true);
    const starts = t.events.of('active', id).map((e) => e.timestamp);
    expect(starts).toHaveLength(3);
    // Each retry starts no sooner than the fixed backoff after the attempt before it (which failed after it started).
    for (const i of retries.keys()) expect(starts[i + 1] - starts[i]).toBeGreaterThanOrEqual(300);
    expect(flakyCalls.get('k1')).toBe(3);
  });

  it('fails at once on UnrecoverableJobError whatever attempts remain', async () => {
    t = await createJobsApp([DoomedJob]);
    const { id } = await t.jobs.add('doomed', {});
    const failed = await t.events.waitFor('failed', id);
    expect(failed.error?.message).toBe('bad input, do not retry');
    expect(t.events.of('active', id)).toHaveLength(1);
    expect((await t.jobs.get(id))?.state).toBe('failed');
  });

  it('waits the delay a handler asks for with RetryJobError before the next attempt', async () => {
    t = await createJobsApp([RetryLaterJob]);
    const { id } = await t.jobs.add('later', {});
    await t.events.waitFor('completed', id);
    const [retry] = t.events.of('retrying', id);
    expect(retry.retryDelay).toBe(700);
    const [, second] = t.events.of('active', id);
    expect(second.timestamp - retry.timestamp).toBeGreaterThanOrEqual(690);
  });

  it('retries at once when a handler asks for a negative delay, and reports no delay', async () => {
    t = await createJobsApp([RetryNowJob]);
    const { id } = await t.jobs.add('again-now', {}, { delay: 200 });
    await t.events.waitFor('completed', id);
    expect(t.events.of('retrying', id)).toMatchObject([{ retryDelay: 0, error: { message: 'retry at once' } }]);
  });

  it('fails an attempt that outlasts its timeout and aborts its signal', async () => {
    t = await createJobsApp([SlowJob]);
    const { id } = await t.jobs.add('slow', { ms: 2_000 });
    const event = await t.events.waitFor('timeout', id);
    expect(event.error?.name).toBe('JobTimeoutError');
    expect(t.app.get(SlowJob).aborted).toBe(1);
    const info = await t.jobs.get(id);
    expect(info?.state).toBe('timeout');
    expect(info!.finishedAt!.getTime() - info!.startedAt!.getTime()).toBeLessThan(1_500);
  });

  it('lets a per-job timeout override the processor one', async () => {
    t = await createJobsApp([SlowJob]);
    const { id } = await t.jobs.add('slow', { ms: 500 }, { timeout: 5_000 });
    expect((await t.events.waitFor('completed', id)).result).toBe('finished');
  });
});
