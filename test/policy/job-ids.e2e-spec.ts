import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { firstValueFrom, toArray } from 'rxjs';
import { JobProcessor, type JobContext, type JobHandler } from '../../lib/index.js';
import { toQueueId } from '../../lib/policy/job-ids.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { rawQueue } from '../support/services.js';

@Injectable()
@JobProcessor('key.echo', { attempts: 1 })
class Echo implements JobHandler<{ fail?: boolean }, { id: string }> {
  handle(data: { fail?: boolean }, ctx: JobContext) {
    if (data.fail) throw new Error('asked to fail');
    return { id: ctx.id };
  }
}

/** Users' own keys as job ids: BullMQ refuses ":" and plain integers; the module maps them both ways. */
describe('any string as a job id', () => {
  let t: JobsTestApp;
  beforeAll(async () => {
    t = await createJobsApp([Echo]);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['welcome:42', '42', 'order:9:refund', 'über:😀 ~.~', '~tilde'])(
    'runs, finds and reports the job of key %j under that key',
    async (key) => {
      const handle = await t.jobs.add('key.echo', {}, { jobId: key });
      expect(handle.id).toBe(key);
      await expect(t.jobs.waitUntilFinished(key, { timeout: 10_000 })).resolves.toEqual({ id: key });
      expect(await t.jobs.get(key)).toMatchObject({ id: key, state: 'completed', result: { id: key } });
      await t.events.waitFor('completed', key);
      expect(t.events.of('completed', key)).toHaveLength(1);
      expect((await firstValueFrom(t.jobs.watch(key).pipe(toArray()))).map((e) => [e.type, e.jobId])).toEqual([['completed', key]]);
      // Adding under the same key again adds nothing.
      const again = await t.jobs.add('key.echo', {}, { jobId: key });
      expect(again.id).toBe(key);
      await t.events.waitFor('deduplicated', key);
    },
  );

  it('stores the key in a form BullMQ takes, and cancels and retries by the key', async () => {
    const raw = rawQueue('default', t.prefix);
    try {
      await t.jobs.add('key.echo', {}, { jobId: 'later:1', delay: 60_000 });
      expect((await raw.queue.getJob(toQueueId('later:1')))?.name).toBe('key.echo');
      await expect(t.jobs.cancel('later:1')).resolves.toEqual({ id: 'later:1', state: 'cancelled' });
      expect(await t.jobs.get('later:1')).toBeNull();

      await t.jobs.add('key.echo', { fail: true }, { jobId: 'retry:1' });
      await t.events.waitFor('failed', 'retry:1');
      await t.jobs.retry('retry:1');
      await t.events.waitFor('active', 'retry:1');
    } finally {
      await raw.close();
    }
  });

  it('takes a run-time schedule id with a colon and lists it under that id', async () => {
    const info = await t.jobs.schedule('key.echo', { id: 'nightly:eu', cron: '0 3 * * *', timeZone: 'Europe/Berlin' });
    expect(info).toMatchObject({ id: 'nightly:eu', origin: 'runtime' });
    expect(await t.jobs.unschedule('nightly:eu')).toBe(true);
  });
});
