import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type LoggerService } from '@nestjs/common';
import { Cron as ScheduleCron, Interval } from '@nestjs/schedule';
import { Cron } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';

@Injectable()
class Reports {
  @ScheduleCron('0 * * * *')
  hourly() {}

  @ScheduleCron('0 0 * * *', { name: 'nightly' })
  nightly() {}

  @Interval(60_000)
  poll() {}

  @Cron('0 * * * *', { name: 'reports.cluster' })
  clusterSafe() {}
}

describe("a method with @nestjs/schedule's @Cron", () => {
  let t: JobsTestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('is named in one start-up warning per method, with the import to use instead', async () => {
    const warnings: string[] = [];
    const logger: LoggerService = {
      log() {},
      error() {},
      debug() {},
      verbose() {},
      warn: (message: unknown) => void warnings.push(String(message)),
    };
    t = await createJobsApp([Reports], { workers: false }, { logger });

    const about = (method: string) => warnings.filter((w) => w.startsWith(`Reports.${method} `));
    expect(about('hourly')).toEqual([
      "Reports.hourly carries @Cron from '@nestjs/schedule': it runs on every instance (and only with ScheduleModule.forRoot()), " +
        "not once across the cluster. Import Cron from 'nestjs-jobs' for a cluster-safe schedule (or with { distributed: false } " +
        "for a per-instance one), or keep @nestjs/schedule's if that is deliberate.",
    ]);
    expect(about('nightly')).toHaveLength(1);
    expect(about('poll')).toEqual([]);
    expect(about('clusterSafe')).toEqual([]);
    expect(warnings.filter((w) => w.includes("'@nestjs/schedule'"))).toHaveLength(2);
  });
});
