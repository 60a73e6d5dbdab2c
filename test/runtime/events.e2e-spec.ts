import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { JobEventBus, JobProcessor, OnJobEvent, type JobEvent, type JobEventOf, type JobHandler } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { waitUntil } from '../support/wait.js';

@JobProcessor('ping')
class PingJob implements JobHandler<{ n: number }, number> {
  handle(data: { n: number }) {
    return data.n;
  }
}

@JobProcessor('pong', { queue: 'other' })
class PongJob implements JobHandler<unknown, string> {
  handle() {
    return 'pong';
  }
}

@Injectable()
class Hooks {
  readonly seen: string[] = [];

  @OnJobEvent('completed', { name: 'ping' })
  throws(): void {
    throw new Error('hook bug');
  }

  @OnJobEvent('completed', { name: 'ping' })
  async rejects(): Promise<void> {
    throw new Error('async hook bug');
  }

  @OnJobEvent('completed', { name: 'ping' })
  records(event: JobEventOf<'completed'>): void {
    this.seen.push(`${event.name}:${String(event.result)}`);
  }

  @OnJobEvent('*', { queue: 'other' })
  other(event: JobEvent): void {
    this.seen.push(`other:${event.type}`);
  }
}

describe('@OnJobEvent', () => {
  let t: JobsTestApp;
  afterEach(() => t?.close());

  it('delivers filtered events, and a hook that throws breaks neither the runtime nor other hooks', async () => {
    t = await createJobsApp([PingJob, PongJob, Hooks]);
    const first = await t.jobs.add('ping', { n: 1 });
    const second = await t.jobs.add('ping', { n: 2 });
    const pong = await t.jobs.add('pong', {});
    await Promise.all([first, second, pong].map((h) => t.events.waitFor('completed', h.id)));
    const hooks = t.app.get(Hooks);
    await waitUntil(() => hooks.seen.length >= 5, 5_000, 'hook calls');
    expect(hooks.seen.filter((s) => s.startsWith('ping'))).toEqual(['ping:1', 'ping:2']);
    expect(hooks.seen.filter((s) => s.startsWith('other'))).toEqual(['other:enqueued', 'other:active', 'other:completed']);
  });

  it('keeps enqueueing and running when a listener of the event bus throws', async () => {
    t = await createJobsApp([PingJob]);
    t.app.get(JobEventBus).subscribe({ event: '*' }, () => {
      throw new Error('listener bug');
    });
    const { id } = await t.jobs.add('ping', { n: 3 });
    expect(await t.events.waitFor('completed', id)).toMatchObject({ result: 3, attempt: 1 });
    expect(t.events.of('failed', id)).toHaveLength(0);
  });

  it('publishes the lifecycle of a job in order, with its timestamps', async () => {
    t = await createJobsApp([PingJob]);
    const { id } = await t.jobs.add('ping', { n: 7 });
    const done = await t.events.waitFor('completed', id);
    expect(t.events.events.filter((e) => e.jobId === id).map((e) => e.type)).toEqual(['enqueued', 'active', 'completed']);
    expect(done).toMatchObject({ attempt: 1, maxAttempts: 3, data: { n: 7 }, result: 7, queue: 'default' });
    expect(done.startedAt).toBeGreaterThanOrEqual(done.enqueuedAt!);
    expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt!);
  });
});
