import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CODE_SCHEDULE_PREFIX, JOBS_OPTIONS } from '../jobs.constants.js';
import { JobTimeoutError, ShutdownAbort } from '../jobs.errors.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import { ActiveJobs } from '../runtime/active-jobs.registry.js';
import { AppEventOutlet } from '../runtime/app-event.outlet.js';
import { JobEventBus } from '../runtime/job-event.bus.js';
import { errorOf, jobEvents, type EventSource } from '../runtime/job-events.js';
import { untilAborted } from '../runtime/until-aborted.js';
import { nextCronRun } from './cron-expression.js';
import { CronTimer } from './cron-timer.js';
import { CronRegistry, type DeclaredCron } from './cron.registry.js';
import { LocalJobContext } from './local-job-context.js';

/** Queue name that local runs report in their events: they run in-process, on no queue. */
export const LOCAL_QUEUE = 'local';

/**
 * Runs `@Cron({ distributed: false })` methods in-process on this instance. An expression runs on a timer of ours that
 * asks `nextCronRun`, so it runs at the times validation and previews read with BullMQ's parser; `@Every` is an
 * interval in `@nestjs/schedule`'s registry. A tick that comes while the previous run still runs is skipped, so local
 * runs never overlap.
 */
@Injectable()
export class LocalCronRunner {
  private readonly logger = new Logger('JobsModule');
  private readonly runsLeft = new Map<string, number>();
  private readonly busy = new Set<string>();
  private started: DeclaredCron[] = [];
  private readonly timers = new Map<string, CronTimer>();
  /** Local runs only: shutdown waits for these, apart from the workers' jobs. */
  private readonly running = new ActiveJobs();

  constructor(
    private readonly crons: CronRegistry,
    private readonly scheduler: SchedulerRegistry,
    private readonly bus: JobEventBus,
    private readonly outlet: AppEventOutlet,
    @Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions,
  ) {}

  start(): void {
    this.started = this.crons.local();
    for (const cron of this.started) {
      if (cron.options.limit) this.runsLeft.set(cron.name, cron.options.limit);
      if (cron.every) {
        this.scheduler.addInterval(
          cron.name,
          setInterval(() => void this.tick(cron), cron.every),
        );
      } else {
        const timer = new CronTimer(
          (from) => this.nextRun(cron, from),
          (at) => void this.tick(cron, at.getTime()),
        );
        this.timers.set(cron.name, timer);
        timer.start();
      }
    }
  }

  /** Stops the timers; runs in progress get `shutdownTimeout` ms before their signals abort. */
  async stop(): Promise<void> {
    for (const cron of this.started) if (cron.every) this.scheduler.deleteInterval(cron.name);
    for (const timer of this.timers.values()) timer.stop();
    this.timers.clear();
    this.started = [];
    if (!(await this.running.settled(this.options.shutdownTimeout))) this.running.abortAll(new ShutdownAbort());
  }

  private nextRun(cron: DeclaredCron, from: Date): Date | undefined {
    const { timeZone, startDate, endDate } = cron.options;
    const next = nextCronRun(cron.expression!, from, { timeZone, startDate, endDate });
    if (!next) this.logger.log(`Local cron ${cron.where} has no run after ${from.toISOString()}; its timer stops.`);
    return next;
  }

  /** `scheduledAt`: the cron tick this run is for (a run's id and `readyAt`); an interval's tick is now. */
  private async tick(cron: DeclaredCron, scheduledAt = Date.now()): Promise<void> {
    const now = Date.now();
    const { startDate, endDate } = cron.options;
    if (this.busy.has(cron.name) || (startDate && scheduledAt < startDate.getTime()) || (endDate && scheduledAt > endDate.getTime()))
      return;
    const left = this.runsLeft.get(cron.name);
    if (left === 0) return;
    if (left !== undefined) this.runsLeft.set(cron.name, left - 1);
    if (left === 1) this.timers.get(cron.name)?.stop();

    const id = `${cron.name}@${new Date(scheduledAt).toISOString()}`;
    const controller = new AbortController();
    const release = this.running.track(LOCAL_QUEUE, id, controller);
    const timeout = cron.options.timeout;
    const timer = timeout ? setTimeout(() => controller.abort(new JobTimeoutError(timeout)), timeout) : undefined;
    const ctx = new LocalJobContext(id, cron.name, LOCAL_QUEUE, cron.options.data, controller.signal, this.bus, this.outlet);
    // A local run is one attempt of a job on no queue, shaped as BullMQ's job so its events are made like any other.
    const run: EventSource = {
      id,
      name: cron.name,
      queueName: LOCAL_QUEUE,
      data: cron.options.data,
      timestamp: scheduledAt,
      processedOn: now,
      attemptsMade: 0,
      opts: { attempts: 1 },
      repeatJobKey: CODE_SCHEDULE_PREFIX + cron.name,
    };
    this.busy.add(cron.name);
    try {
      this.bus.publish(jobEvents.active(run));
      const result = await untilAborted(
        Promise.resolve().then(() => cron.run(ctx)),
        controller.signal,
      );
      this.bus.publish(jobEvents.completed({ ...run, attemptsMade: 1, finishedOn: Date.now() }, result));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger.error(`Local cron ${cron.where} failed: ${error.message}`, error.stack);
      this.bus.publish(jobEvents.ended({ ...run, attemptsMade: 1, finishedOn: Date.now() }, errorOf(error), true));
    } finally {
      clearTimeout(timer);
      release();
      this.busy.delete(cron.name);
    }
  }
}
