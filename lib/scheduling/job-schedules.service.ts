import { fromQueueId, toQueueId } from '../policy/job-ids.js';
import { Injectable } from '@nestjs/common';
import type { JobSchedulerJson } from 'bullmq';
import { CODE_SCHEDULE_PREFIX, DEFINITION_SCHEDULE_PREFIX, RUNTIME_SCHEDULE_PREFIX } from '../jobs.constants.js';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import { durationRule, isDuration } from '../option-checks.js';
import type { ScheduleInfo, ScheduleOptions } from '../interfaces/schedule.interface.js';
import type { StoredJobOptions } from '../policy/job-options.policy.js';
import { JobRequestBuilder } from '../runtime/job-request.builder.js';
import { QueueRegistry } from '../runtime/queue.registry.js';
import { CronRegistry, type DeclaredCron } from './cron.registry.js';
import { cronProblem, nextCronRun } from './cron-expression.js';
import { scheduleTimingProblem } from './schedule-timing.js';

const PREFIXES: Array<[string, ScheduleInfo['origin']]> = [
  [CODE_SCHEDULE_PREFIX, 'code'],
  [RUNTIME_SCHEDULE_PREFIX, 'runtime'],
  [DEFINITION_SCHEDULE_PREFIX, 'definition'],
];
const ownerOf = (id: string): [string, ScheduleInfo['origin']] => PREFIXES.find(([prefix]) => id.startsWith(prefix)) ?? ['', 'external'];
const originOf = (id: string) => ownerOf(id)[1];
const date = (ms: number | undefined) => (ms ? new Date(ms) : undefined);

/** A schedule declared in code (`@Cron`/`@Every`) as `listSchedules` shows it; `next` as the local runner would arm it. */
export function declaredScheduleInfo(c: DeclaredCron): ScheduleInfo {
  return {
    id: c.name,
    name: c.name,
    queue: c.queue,
    origin: 'code',
    distributed: c.distributed,
    cron: c.expression,
    every: c.every,
    timeZone: c.options.timeZone,
    // What the local runner arms next, as BullMQ's `next` is what a job scheduler runs next.
    next: c.expression ? nextCronRun(c.expression, new Date(), c.options) : undefined,
    data: c.options.data,
    limit: c.options.limit,
    startDate: c.options.startDate,
    endDate: c.options.endDate,
  };
}

/** Refuses a run-time schedule's id, cron or every, and timing, naming the option; returns its id. */
export function checkSchedule(jobName: string, options: ScheduleOptions): string {
  const id = options.id ?? jobName;
  if (typeof id !== 'string' || !id || id.length > 255)
    throw new InvalidJobOptionsError('id', `must be a string of 1 to 255 characters; got ${JSON.stringify(id)}.`);
  if ((options.cron === undefined) === (options.every === undefined))
    throw new InvalidJobOptionsError('cron', 'or "every" must be given, and not both.');
  if (options.every !== undefined && !isDuration(options.every)) {
    throw new InvalidJobOptionsError('every', `must be ${durationRule()}; got ${JSON.stringify(options.every)}.`);
  }
  checkCron(options.cron, options.timeZone);
  const timing = scheduleTimingProblem(options, new Date());
  if (timing) throw new InvalidJobOptionsError(timing.option, timing.detail);
  return id;
}

/**
 * Distributed schedules are BullMQ job schedulers: the backend makes one job per tick, whichever instance runs it.
 * The scheduler id's prefix records who owns it, so reconciliation never touches a schedule made at run time.
 */
@Injectable()
export class JobSchedules {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly crons: CronRegistry,
    private readonly requests: JobRequestBuilder,
  ) {}

  /** At start-up: drops code schedules the application no longer declares (or has disabled), upserts the rest. */
  async reconcile(): Promise<void> {
    const declared = new Map(this.crons.distributed().map((c) => [CODE_SCHEDULE_PREFIX + c.name, c]));
    for (const queueName of this.queues.names()) {
      const queue = this.queues.get(queueName);
      for (const scheduler of await queue.getJobSchedulers()) {
        const id = scheduler.key;
        if (originOf(id) === 'code' && declared.get(id)?.queue !== queueName) await queue.removeJobScheduler(id);
      }
    }
    for (const [id, cron] of declared) {
      // A schedule whose end has passed runs no more: BullMQ would leave its scheduler as it was.
      if (cron.options.endDate && cron.options.endDate <= new Date()) await this.queues.get(cron.queue).removeJobScheduler(id);
      else await this.upsert(id, cron.name, { ...cron.options, cron: cron.expression, every: cron.every });
    }
  }

  /** Creates or replaces the run-time schedule `options.id` (default: the job name) of a registered job. */
  async schedule(jobName: string, options: ScheduleOptions): Promise<ScheduleInfo> {
    const id = checkSchedule(jobName, options);
    await this.upsert(RUNTIME_SCHEDULE_PREFIX + toQueueId(id), jobName, options);
    return (await this.list()).find((s) => s.origin === 'runtime' && s.id === id)!;
  }

  /** Schedules the runs of a job definition (see `JobDefinitionService`), which owns every `definition/` scheduler. */
  async scheduleDefinition(definitionId: string, jobName: string, options: ScheduleOptions): Promise<void> {
    const queue = await this.upsert(DEFINITION_SCHEDULE_PREFIX + definitionId, jobName, options, { definitionId });
    // Its handler may have moved it from another queue.
    await this.unscheduleDefinition(definitionId, queue);
  }

  /** Removes a definition's scheduler from every queue but `except`. */
  async unscheduleDefinition(definitionId: string, except?: string): Promise<void> {
    const queues = this.queues.names().filter((q) => q !== except);
    await Promise.all(queues.map((q) => this.queues.get(q).removeJobScheduler(DEFINITION_SCHEDULE_PREFIX + definitionId)));
  }

  /** Removes the schedulers of definitions not in `keep`. */
  async unscheduleDefinitionsExcept(keep: ReadonlySet<string>): Promise<void> {
    for (const queueName of this.queues.names()) {
      const queue = this.queues.get(queueName);
      for (const { key } of await queue.getJobSchedulers()) {
        if (originOf(key) === 'definition' && !keep.has(key.slice(DEFINITION_SCHEDULE_PREFIX.length))) await queue.removeJobScheduler(key);
      }
    }
  }

  /** Removes a run-time schedule; returns whether one existed. */
  async unschedule(id: string): Promise<boolean> {
    const removed = await Promise.all(
      this.queues.names().map((q) => this.queues.get(q).removeJobScheduler(RUNTIME_SCHEDULE_PREFIX + toQueueId(id))),
    );
    return removed.some(Boolean);
  }

  /** Every schedule: job schedulers of all queues, and the local crons of this instance. */
  async list(): Promise<ScheduleInfo[]> {
    const perQueue = await Promise.all(
      this.queues.names().map(async (q) => (await this.queues.get(q).getJobSchedulers()).map((s) => this.toInfo(q, s))),
    );
    const local = this.crons.local().map((c) => this.localInfo(c));
    return [...perQueue.flat(), ...local].sort((a, b) => (a.next?.getTime() ?? Infinity) - (b.next?.getTime() ?? Infinity));
  }

  /** Returns the queue the scheduler was put on. */
  private async upsert(
    schedulerId: string,
    jobName: string,
    o: ScheduleOptions,
    origin: Pick<StoredJobOptions, 'definitionId'> = {},
  ): Promise<string> {
    const { job, data, opts } = await this.requests.build(jobName, o.data ?? {}, {
      attempts: o.attempts,
      backoff: o.backoff,
      timeout: o.timeout,
      priority: o.priority,
    });
    // The scheduler names each run's job id itself and times it by the schedule.
    const { jobId: _jobId, delay: _delay, ...template } = opts;
    await this.queues
      .get(job.queue)
      .upsertJobScheduler(
        schedulerId,
        { pattern: o.cron, every: o.every, tz: o.timeZone, startDate: o.startDate, endDate: o.endDate, limit: o.limit },
        { name: jobName, data, opts: { ...template, ...origin } },
      )
      .catch((err: Error) => {
        // Instances starting together upsert the same scheduler; the one that lost the race finds its next run made.
        if (!err.message.startsWith('Cannot create job scheduler iteration - job ID already exists')) throw err;
      });
    return job.queue;
  }

  private toInfo(queue: string, s: JobSchedulerJson): ScheduleInfo {
    const [prefix, origin] = ownerOf(s.key);
    return {
      id: fromQueueId(s.key.slice(prefix.length)),
      name: s.name,
      queue,
      origin,
      distributed: true,
      cron: s.pattern ?? undefined,
      every: s.every ? Number(s.every) : undefined,
      timeZone: s.tz ?? undefined,
      next: date(s.next),
      data: s.template?.data,
      iterations: s.iterationCount,
      limit: s.limit,
      startDate: date(s.startDate),
      endDate: date(s.endDate),
    };
  }

  private localInfo(c: DeclaredCron): ScheduleInfo {
    return declaredScheduleInfo(c);
  }
}

/** Refuses an invalid expression or time zone, naming which of the two is at fault. */
export function checkCron(cron: string | undefined, timeZone: string | undefined): void {
  const problem = cron !== undefined ? cronProblem(cron, timeZone) : undefined;
  if (problem)
    throw new InvalidJobOptionsError(problem.startsWith('unknown time zone') ? 'timeZone' : 'cron', `${JSON.stringify(cron)}: ${problem}.`);
}
