import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  Cron,
  Every,
  JobProcessor,
  JobsConfigurationError,
  InvalidJobOptionsError,
  UnknownJobError,
  nextCronRuns,
  type JobContext,
  type JobHandler,
} from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { uniquePrefix } from '../support/services.js';
import { work } from '../support/sleep.js';
import { waitUntil } from '../support/wait.js';

@Injectable()
class Housekeeping {
  readonly runs: Array<{ id: string; data: unknown; attempt: number }> = [];

  @Cron('* * * * * *', { name: 'housekeeping.tick', data: { scope: 'all' } })
  tick(ctx: JobContext) {
    this.runs.push({ id: ctx.id, data: ctx.data, attempt: ctx.attempt });
  }
}

@Injectable()
class Flaky {
  @Every(1_000, { name: 'flaky.tick', attempts: 2, backoff: 10 })
  tick(ctx: JobContext) {
    if (ctx.attempt === 1) throw new Error('first attempt fails');
    return `ok on attempt ${ctx.attempt}`;
  }
}

@Injectable()
class Disabled {
  @Cron('@hourly', { name: 'housekeeping.tick', enabled: false })
  tick() {}
}

@Injectable()
class LocalOnly {
  runs = 0;
  @Every(200, { distributed: false, name: 'local.tick' })
  tick() {
    this.runs++;
  }
}

@Injectable()
class LocalEverySecond {
  @Cron('* * * * * *', { distributed: false, name: 'local.second' })
  tick(ctx: JobContext) {
    return ctx.id;
  }
}

@Injectable()
class LocalMonthEnd {
  @Cron('0 0 L * *', { distributed: false, name: 'local.month-end', timeZone: 'Europe/Berlin' })
  close() {}
}

const overlap = { running: 0, peak: 0, done: 0 };
@Injectable()
class SlowCron {
  @Every(500, { name: 'slow.tick', queue: 'slow', attempts: 1 })
  async tick(ctx: JobContext) {
    overlap.peak = Math.max(overlap.peak, ++overlap.running);
    await work(1_200, ctx.signal);
    overlap.running--;
    overlap.done++;
  }
}

@JobProcessor('report.send')
class ReportJob implements JobHandler<{ to: string }, string> {
  handle(data: { to: string }) {
    return `sent to ${data.to}`;
  }
}

@Injectable()
class BadExpression {
  @Cron('61 * * * *')
  run() {}
}

@Injectable()
class BadTimeZone {
  @Cron('0 * * * *', { timeZone: 'Mars/Olympus' })
  run() {}
}

describe('@Cron and schedules', () => {
  let t: JobsTestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('runs a cron method as a job with its data, once per tick', async () => {
    t = await createJobsApp([Housekeeping]);
    const runs = t.app.get(Housekeeping).runs;
    await waitUntil(() => runs.length >= 2, 5_000, 'two ticks');
    expect(runs[0]).toMatchObject({ data: { scope: 'all' }, attempt: 1 });
    expect(runs[0].id).toMatch(/^repeat:cron\/housekeeping\.tick:\d+$/);
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    const [schedule] = await t.jobs.listSchedules();
    expect(schedule).toMatchObject({
      id: 'housekeeping.tick',
      name: 'housekeeping.tick',
      origin: 'code',
      distributed: true,
      cron: '* * * * * *',
    });
    expect(schedule.next!.getTime()).toBeGreaterThan(Date.now() - 1_000);
  });

  it('retries a cron run that fails, like any job', async () => {
    t = await createJobsApp([Flaky]);
    const done = await t.events.waitFor('completed', undefined, 8_000);
    expect(done.result).toBe('ok on attempt 2');
    expect(t.events.of('retrying', done.jobId)).toHaveLength(1);
  });

  it('removes at start-up a code schedule no longer declared or disabled, and keeps run-time ones', async () => {
    const prefix = uniquePrefix();
    const first = await createJobsApp([Housekeeping, ReportJob], { prefix, workers: false }, { cleanup: false });
    await first.jobs.schedule('report.send', {
      id: 'weekly-report',
      cron: '0 8 * * 1',
      timeZone: 'Europe/Paris',
      data: { to: 'ops@example.com' },
    });
    expect((await first.jobs.listSchedules()).map((s) => `${s.origin}:${s.id}`).sort()).toEqual([
      'code:housekeeping.tick',
      'runtime:weekly-report',
    ]);
    await first.close();

    t = await createJobsApp([Disabled, ReportJob], { prefix, workers: false });
    const schedules = await t.jobs.listSchedules();
    expect(schedules.map((s) => `${s.origin}:${s.id}`)).toEqual(['runtime:weekly-report']);
    expect(schedules[0]).toMatchObject({ name: 'report.send', timeZone: 'Europe/Paris', data: { to: 'ops@example.com' } });
  });

  it('schedules and unschedules a registered job at run time', async () => {
    t = await createJobsApp([ReportJob]);
    const info = await t.jobs.schedule('report.send', { every: 300, data: { to: 'a@example.com' } });
    expect(info).toMatchObject({ id: 'report.send', origin: 'runtime', every: 300 });
    await waitUntil(() => t!.events.of('completed').length >= 2, 5_000, 'two runs');
    expect(t.events.of('completed')[0].result).toBe('sent to a@example.com');
    expect(await t.jobs.unschedule('report.send')).toBe(true);
    expect(await t.jobs.unschedule('report.send')).toBe(false);
    expect(await t.jobs.listSchedules()).toEqual([]);
  });

  it.each([
    ['cron', { cron: '99 * * * *' }],
    ['cron', { cron: '* * * * *', every: 10 }],
    ['cron', {}],
    ['timeZone', { cron: '* * * * *', timeZone: 'Nowhere/City' }],
    ['every', { every: -1 }],
    ['limit', { every: 1_000, limit: 0 }],
    ['id', { every: 1_000, id: 'x'.repeat(256) }],
  ])('refuses a run-time schedule with a bad %s', async (option, options) => {
    t = await createJobsApp([ReportJob], { workers: false });
    const err = await t.jobs.schedule('report.send', options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidJobOptionsError);
    expect((err as InvalidJobOptionsError).option).toBe(option);
  });

  it('refuses a run-time schedule of an unknown job', async () => {
    t = await createJobsApp([ReportJob], { workers: false });
    await expect(t.jobs.schedule('report.sned', { every: 1_000 })).rejects.toBeInstanceOf(UnknownJobError);
  });

  it('never overlaps a slow cron with itself on a queue with globalConcurrency 1, across instances', async () => {
    const options = { queues: { slow: { concurrency: 3, globalConcurrency: 1 } } };
    t = await createJobsApp([SlowCron], options);
    const second = await createJobsApp([SlowCron], { ...options, prefix: t.prefix }, { cleanup: false });
    try {
      await waitUntil(() => overlap.done >= 3, 15_000, 'three slow runs');
      expect(overlap.peak).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('runs a local cron in-process on this instance, not as a job scheduler', async () => {
    t = await createJobsApp([LocalOnly]);
    await waitUntil(() => t!.app.get(LocalOnly).runs >= 2, 5_000, 'two local runs');
    expect(t.events.of('completed').every((e) => e.queue === 'local' && e.name === 'local.tick')).toBe(true);
    const [schedule] = await t.jobs.listSchedules();
    expect(schedule).toMatchObject({ id: 'local.tick', distributed: false, every: 200 });
  });

  it('runs a local every-second cron expression on each whole second', async () => {
    t = await createJobsApp([LocalEverySecond]);
    const runs = () => t!.events.of('completed').filter((e) => e.name === 'local.second');
    await waitUntil(() => runs().length >= 3, 6_000, 'three local runs');
    const ticks = runs().map((e) => e.enqueuedAt!);
    expect(runs().every((e) => e.queue === 'local' && e.result === e.jobId)).toBe(true);
    expect(ticks.every((tick) => tick % 1_000 === 0)).toBe(true);
    expect(ticks.every((tick, i) => i === 0 || tick > ticks[i - 1])).toBe(true);
    expect(runs()[0].jobId).toBe(`local.second@${new Date(ticks[0]).toISOString()}`);
  });

  it('starts a local cron on the last day of the month (L) and shows the next run it will make', async () => {
    t = await createJobsApp([LocalMonthEnd]);
    const [schedule] = await t.jobs.listSchedules();
    const [next] = nextCronRuns('0 0 L * *', { timeZone: 'Europe/Berlin' });
    expect(schedule).toMatchObject({ id: 'local.month-end', distributed: false, cron: '0 0 L * *', timeZone: 'Europe/Berlin', next });
    const berlinDay = (d: Date) => Number(new Intl.DateTimeFormat('en-GB', { day: 'numeric', timeZone: 'Europe/Berlin' }).format(d));
    expect(berlinDay(new Date(next.getTime() + 86_400_000))).toBe(1);
  });

  it.each([
    ['0 6 L * *', 'Europe/Berlin'],
    ['0 9 * * 1#2', 'Europe/Berlin'],
    ['30 2 ? * SUN', 'Europe/Berlin'],
    ['15 10 * * 1-5', 'America/New_York'],
  ])('shows for %s the next run BullMQ schedules, as nextCronRuns computes it', async (cron, timeZone) => {
    t = await createJobsApp([ReportJob], { workers: false });
    const [expected] = nextCronRuns(cron, { timeZone });
    const info = await t.jobs.schedule('report.send', { cron, timeZone, data: { to: 'ops@example.com' } });
    expect(info.next).toEqual(expected);
  });

  it.each([
    [BadExpression, '@Cron on BadExpression.run has expression "61 * * * *": Constraint error'],
    [BadTimeZone, '@Cron on BadTimeZone.run has expression "0 * * * *": unknown time zone "Mars/Olympus"'],
  ])('stops start-up on an invalid cron, naming Class.method and the expression', async (provider, message) => {
    const err = await createJobsApp([provider]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobsConfigurationError);
    expect((err as Error).message).toContain(message);
  });
});
