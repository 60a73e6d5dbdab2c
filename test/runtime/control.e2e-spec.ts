import { afterEach, describe, expect, it } from '@jest/globals';
import { JobProcessor, JobStateError, type JobContext, type JobHandler } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { work } from '../support/sleep.js';
import { waitUntil } from '../support/wait.js';

@JobProcessor('long', { attempts: 3 })
class LongJob implements JobHandler<{ ms: number }, string> {
  async handle(data: { ms: number }, ctx: JobContext) {
    await work(data.ms, ctx.signal);
    return ctx.signal.aborted ? 'aborted' : 'done';
  }
}

@JobProcessor('record', { queue: 'serial' })
class RecordJob implements JobHandler<{ label: string }, string> {
  readonly order: string[] = [];
  handle(data: { label: string }) {
    this.order.push(data.label);
    return data.label;
  }
}

@JobProcessor('fail-once-only', { attempts: 1 })
class FailJob implements JobHandler<unknown, never> {
  handle(): never {
    throw new Error('always');
  }
}

describe('job control', () => {
  let t: JobsTestApp;
  afterEach(() => t?.close());

  it('cancels an active job: its signal aborts and it ends as cancelled, not retried', async () => {
    t = await createJobsApp([LongJob]);
    const { id } = await t.jobs.add('long', { ms: 20_000 });
    await t.events.waitFor('active', id);
    expect(await t.jobs.cancel(id)).toEqual({ id, state: 'cancelling' });
    const cancelled = await t.events.waitFor('cancelled', id);
    expect(cancelled.error?.name).toBe('JobCancelledError');
    expect(t.events.of('active', id)).toHaveLength(1);
    expect((await t.jobs.get(id))?.state).toBe('cancelled');
  });

  it('cancels a job that runs in another instance', async () => {
    t = await createJobsApp([LongJob]);
    const producer = await createJobsApp([LongJob], { prefix: t.prefix, workers: false }, { cleanup: false });
    try {
      const { id } = await producer.jobs.add('long', { ms: 20_000 });
      await t.events.waitFor('active', id);
      await producer.jobs.cancel(id);
      await t.events.waitFor('cancelled', id);
      expect((await producer.jobs.get(id))?.state).toBe('cancelled');
    } finally {
      await producer.close();
    }
  });

  it('removes a delayed job on cancel, and refuses to cancel a finished one', async () => {
    t = await createJobsApp([LongJob]);
    const { id } = await t.jobs.add('long', { ms: 1 }, { delay: 60_000 });
    expect((await t.jobs.get(id))?.state).toBe('delayed');
    expect(await t.jobs.cancel(id)).toEqual({ id, state: 'cancelled' });
    expect(await t.jobs.get(id)).toBeNull();
    const done = await t.jobs.add('long', { ms: 1 });
    await t.events.waitFor('completed', done.id);
    await expect(t.jobs.cancel(done.id)).rejects.toBeInstanceOf(JobStateError);
  });

  it('adds a job once however often the same jobId is added', async () => {
    t = await createJobsApp([RecordJob], { workers: false });
    const first = await t.jobs.add('record', { label: 'a' }, { jobId: 'welcome-42' });
    const second = await t.jobs.add('record', { label: 'b' }, { jobId: 'welcome-42' });
    expect(second.id).toBe(first.id);
    expect((await t.jobs.counts('serial')).prioritized + (await t.jobs.counts('serial')).waiting).toBe(1);
    expect((await t.jobs.get('welcome-42'))?.data).toEqual({ label: 'a' });
    expect(t.events.of('enqueued', 'welcome-42')).toHaveLength(1);
    expect(t.events.of('deduplicated', 'welcome-42')).toHaveLength(1);
  });

  it('drops an add whose deduplication id is still queued and says so', async () => {
    t = await createJobsApp([RecordJob], { workers: false });
    const first = await t.jobs.add('record', { label: 'a' }, { deduplication: { id: 'sync-user-7' } });
    const second = await t.jobs.add('record', { label: 'b' }, { deduplication: { id: 'sync-user-7' } });
    expect(second.id).toBe(first.id);
    expect(t.events.of('deduplicated')).toHaveLength(1);
  });

  it('runs critical before high before normal before low on a queue with concurrency 1', async () => {
    t = await createJobsApp([RecordJob], { queues: { serial: { concurrency: 1 } } });
    await t.jobs.pause('serial');
    await t.jobs.add('record', { label: 'low' }, { priority: 'low' });
    await t.jobs.add('record', { label: 'normal' });
    await t.jobs.add('record', { label: 'critical' }, { priority: 'critical' });
    await t.jobs.add('record', { label: 'high' }, { priority: 'high' });
    expect((await t.jobs.counts('serial')).paused).toBe(true);
    await t.jobs.resume('serial');
    await waitUntil(() => t.events.of('completed').length === 4, 10_000, 'four jobs');
    expect(t.app.get(RecordJob).order).toEqual(['critical', 'high', 'normal', 'low']);
  });

  it('retries a failed job with fresh attempts, and lists jobs by state and name', async () => {
    t = await createJobsApp([FailJob, RecordJob]);
    const { id } = await t.jobs.add('fail-once-only', {});
    await t.events.waitFor('failed', id);
    const failed = await t.jobs.list({ state: 'failed' });
    expect(failed.map((j) => j.id)).toEqual([id]);
    await t.jobs.retry(id);
    await waitUntil(() => t.events.of('failed', id).length === 2, 10_000, 'second failure');
    expect((await t.jobs.get(id))?.attemptsMade).toBe(1);
    await expect(t.jobs.retry('no-such-job')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    const rec = await t.jobs.add('record', { label: 'x' });
    await t.events.waitFor('completed', rec.id);
    expect((await t.jobs.list({ name: 'record' })).map((j) => j.id)).toEqual([rec.id]);
    expect((await t.jobs.list({ queue: 'serial', state: 'completed' }))[0]).toMatchObject({ id: rec.id, result: 'x' });
  });

  it('drains waiting jobs and cleans finished ones', async () => {
    t = await createJobsApp([RecordJob], { workers: false });
    await t.jobs.addBulk([1, 2, 3].map((n) => ({ name: 'record', data: { label: String(n) } })));
    expect((await t.jobs.counts('serial')).prioritized).toBe(3);
    await t.jobs.drain('serial');
    expect((await t.jobs.counts('serial')).prioritized).toBe(0);
    const worker = await createJobsApp([RecordJob], { prefix: t.prefix }, { cleanup: false });
    try {
      const { id } = await t.jobs.add('record', { label: 'z' });
      await worker.events.waitFor('completed', id);
      expect(await t.jobs.clean('serial', { status: 'completed' })).toEqual([id]);
      expect((await t.jobs.counts()).serial.completed).toBe(0);
    } finally {
      await worker.close();
    }
  });
});
