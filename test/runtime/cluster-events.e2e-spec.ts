import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { firstValueFrom, toArray } from 'rxjs';
import {
  JobEventBus,
  JobFailedError,
  JobNotFoundError,
  JobProcessor,
  JobWaitTimeoutError,
  OnJobEvent,
  type JobEvent,
  type JobEventOf,
  type JobHandler,
} from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { migrateQueues, queueConnection, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';
import { QueueRegistry } from '../../lib/runtime/queue.registry.js';

const root = new URL('../../', import.meta.url).pathname;

/** The producer registers the same job type, but runs no worker: every job runs in the other process. */
@Injectable()
@JobProcessor('cluster.work', { attempts: 2, backoff: 0 })
class Work implements JobHandler<{ n: number; fail?: boolean }, unknown> {
  handle(): never {
    throw new Error('the producer runs no job');
  }
}

/** A host's hook on an API pod: it hears completions of jobs other pods ran. */
@Injectable()
class Notifier {
  readonly completed: Array<JobEventOf<'completed'>> = [];

  @OnJobEvent('completed', { name: 'cluster.work', scope: 'cluster' })
  onCompleted(event: JobEventOf<'completed'>) {
    this.completed.push(event);
  }
}

describe('cluster events: a producer-only process sees jobs another process runs', () => {
  const prefix = uniquePrefix('cluster');
  let worker: ChildProcess;
  let producer: JobsTestApp;
  const heard: JobEvent[] = [];

  beforeAll(async () => {
    await migrateQueues(prefix);
    worker = spawn(process.execPath, ['test/runtime/fixtures/cluster-worker.mjs'], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)), PREFIX: prefix },
    });
    let out = '';
    let err = '';
    worker.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    worker.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    await waitUntil(() => out.includes('READY'), 30_000, 'the worker process').catch((e: Error) => {
      throw new Error(`${e.message}; it wrote: ${err || '(nothing)'}`);
    });
    producer = await createJobsApp([Work, Notifier], { prefix, workers: false });
    producer.app.get(JobEventBus).subscribe({ event: '*', scope: 'cluster' }, (event) => heard.push(event));
    await producer.app.get(JobEventBus).startCluster();
  }, 60_000);

  afterAll(async () => {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    await producer?.close();
  });

  it('keeps the event stream as long as configured', async () => {
    const app = await createJobsApp([Work], { prefix, workers: false, eventStreamLength: 50_000 }, { cleanup: false });
    try {
      expect((await app.app.get(QueueRegistry).get('default').getMeta()).maxLenEvents).toBe(50_000);
    } finally {
      await app.close();
    }
  });

  it('hears active, progress and completed of a job run elsewhere, with the result, in order', async () => {
    const { id } = await producer.jobs.add('cluster.work', { n: 21 });
    await waitUntil(() => heard.some((e) => e.jobId === id && e.type === 'completed'), 15_000, 'the completed event');
    const mine = heard.filter((e) => e.jobId === id);
    expect(mine.map((e) => e.type)).toEqual(['enqueued', 'active', 'progress', 'completed']);
    expect(mine.map((e) => [e.scope, e.name, e.queue])).toEqual(mine.map(() => ['cluster', 'cluster.work', 'default']));
    const completed = mine[3] as JobEventOf<'completed'>;
    expect(completed.result).toEqual({ doubled: 42, pid: worker.pid });
    expect(completed.attempt).toBe(1);
    expect((mine[1] as JobEventOf<'active'>).attempt).toBe(1);
    expect((mine[2] as JobEventOf<'progress'>).progress).toBe(50);
    // The producer ran nothing itself: no local event of this job.
    expect(producer.events.events.filter((e) => e.jobId === id && e.type !== 'enqueued')).toEqual([]);
    // A host's @OnJobEvent with the cluster scope heard it too.
    const notifier = producer.app.get(Notifier);
    await waitUntil(() => notifier.completed.some((e) => e.jobId === id), 5_000, 'the hook');
    expect(notifier.completed.find((e) => e.jobId === id)).toMatchObject({ scope: 'cluster', result: { doubled: 42 } });
  });

  it('hears a retry and the final failure with its reason', async () => {
    const { id } = await producer.jobs.add('cluster.work', { n: 1, fail: true });
    await waitUntil(() => heard.some((e) => e.jobId === id && e.type === 'failed'), 15_000, 'the failed event');
    const mine = heard.filter((e) => e.jobId === id).map((e) => e.type);
    expect(mine).toEqual(['enqueued', 'active', 'progress', 'retrying', 'active', 'progress', 'failed']);
    const failed = heard.find((e) => e.jobId === id && e.type === 'failed') as JobEventOf<'failed'>;
    expect(failed.error?.message).toBe('refused 1');
    expect(failed.attempt).toBe(2);
  });

  it('watch() follows one job to its end and completes; a finished job gives its end at once', async () => {
    const { id } = await producer.jobs.add('cluster.work', { n: 5 });
    const events = await firstValueFrom(producer.jobs.watch(id).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['completed']));
    expect(events.at(-1)).toMatchObject({ type: 'completed', result: { doubled: 10 } });
    const again = await firstValueFrom(producer.jobs.watch(id).pipe(toArray()));
    expect(again).toEqual([expect.objectContaining({ type: 'completed', jobId: id, result: { doubled: 10, pid: worker.pid } })]);
    await expect(firstValueFrom(producer.jobs.watch('no-such-job'))).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(firstValueFrom(producer.jobs.watch(42 as never))).rejects.toMatchObject({ option: 'id' });
    expect(() => producer.app.get(JobEventBus).subscribe({ event: '*', scope: 'everywhere' as never }, () => undefined)).toThrow(
      `Job option "scope" must be 'local' or 'cluster'; got "everywhere".`,
    );
  });

  it('waitUntilFinished resolves with the result, rejects on failure and on timeout', async () => {
    const ok = await producer.jobs.add('cluster.work', { n: 8 });
    await expect(producer.jobs.waitUntilFinished(ok.id, { timeout: 15_000 })).resolves.toEqual({ doubled: 16, pid: worker.pid });
    const bad = await producer.jobs.add('cluster.work', { n: 2, fail: true });
    const failure = producer.jobs.waitUntilFinished(bad.id, { timeout: 15_000 });
    await expect(failure).rejects.toBeInstanceOf(JobFailedError);
    await expect(failure).rejects.toMatchObject({ outcome: 'failed', reason: 'refused 2' });
    const later = await producer.jobs.add('cluster.work', { n: 3 }, { delay: 60_000 });
    await expect(producer.jobs.waitUntilFinished(later.id, { timeout: 300 })).rejects.toBeInstanceOf(JobWaitTimeoutError);
    await expect(producer.jobs.waitUntilFinished(later.id, { timeout: -1 })).rejects.toMatchObject({ option: 'timeout' });
  });
});
