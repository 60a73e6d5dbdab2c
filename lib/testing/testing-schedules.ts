import { Injectable } from '@nestjs/common';
import { CODE_SCHEDULE_PREFIX, RUNTIME_SCHEDULE_PREFIX } from '../jobs.constants.js';
import { ScheduleNotFoundError } from '../jobs.errors.js';
import type { ScheduleInfo, ScheduleOptions } from '../interfaces/schedule.interface.js';
import { JobRequestBuilder } from '../runtime/job-request.builder.js';
import { nextCronRun } from '../scheduling/cron-expression.js';
import { CronRegistry } from '../scheduling/cron.registry.js';
import { checkSchedule, declaredScheduleInfo } from '../scheduling/job-schedules.service.js';
import { TestingJobs } from './testing-jobs.engine.js';
import type { TestingJob } from './testing-job.js';

interface RuntimeSchedule {
  info: ScheduleInfo;
  options: ScheduleOptions;
}

/**
 * Schedules of the testing mode: kept, listed and checked as the real ones are, but no clock runs them: a test runs
 * one tick with `JobsTesting.trigger(id)`, for a `@Cron` method (by its job name) or a run-time schedule (by its id).
 */
@Injectable()
export class TestingSchedules {
  private readonly runtime = new Map<string, RuntimeSchedule>();

  constructor(
    private readonly crons: CronRegistry,
    private readonly requests: JobRequestBuilder,
    private readonly engine: TestingJobs,
  ) {}

  async schedule(jobName: string, options: ScheduleOptions): Promise<ScheduleInfo> {
    const id = checkSchedule(jobName, options);
    // Its runs' options and data pass the checks of any enqueue, as they do before a real scheduler is stored.
    const { job } = await this.requests.build(jobName, options.data ?? {}, this.runOptions(options));
    const { cron, every, timeZone, data, limit, startDate, endDate } = options;
    const next = cron ? nextCronRun(cron, new Date(), { timeZone, startDate, endDate }) : new Date(Date.now() + every!);
    const info: ScheduleInfo = {
      id,
      name: jobName,
      queue: job.queue,
      origin: 'runtime',
      distributed: true,
      cron,
      every,
      timeZone,
      next,
      data,
      limit,
      startDate,
      endDate,
    };
    this.runtime.set(id, { info, options });
    return info;
  }

  unschedule(id: string): boolean {
    return this.runtime.delete(id);
  }

  list(): ScheduleInfo[] {
    const declared = [...this.crons.distributed(), ...this.crons.local()].map(declaredScheduleInfo);
    const all = [...declared, ...[...this.runtime.values()].map((s) => s.info)];
    return all.sort((a, b) => (a.next?.getTime() ?? Infinity) - (b.next?.getTime() ?? Infinity));
  }

  /** One tick of a schedule: its job is added as the scheduler would add it, and run at once in `inline` mode. */
  async trigger(id: string): Promise<TestingJob> {
    const runtime = this.runtime.get(id);
    const declared = [...this.crons.distributed(), ...this.crons.local()].find((c) => c.name === id);
    if (!runtime && !declared) throw new ScheduleNotFoundError(id);
    const name = runtime ? runtime.info.name : declared!.name;
    const options = runtime ? runtime.options : declared!.options;
    const key = (runtime ? RUNTIME_SCHEDULE_PREFIX : CODE_SCHEDULE_PREFIX) + id;
    const request = await this.requests.build(name, options.data ?? {}, this.runOptions(options));
    const [job] = await this.engine.add([{ ...request, repeatJobKey: key }]);
    await this.engine.settle();
    return job;
  }

  private runOptions(options: ScheduleOptions) {
    return { attempts: options.attempts, backoff: options.backoff, timeout: options.timeout, priority: options.priority };
  }
}
