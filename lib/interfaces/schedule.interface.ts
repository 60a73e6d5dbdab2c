import type { JobBackoff, JobPriority } from './job-options.interface.js';

interface ScheduleTiming {
  /** IANA time zone the expression is read in, e.g. `Europe/Berlin`. Default UTC. */
  timeZone?: string;
  /** No run before this moment. */
  startDate?: Date;
  /** No run after this moment. */
  endDate?: Date;
  /** At most this many runs in total. */
  limit?: number;
}

export interface CronOptions extends ScheduleTiming {
  /** Job name of the runs, also the schedule's id. Default `ClassName.method`. */
  name?: string;
  /** `ctx.data` of every run. */
  data?: unknown;
  queue?: string;
  attempts?: number;
  backoff?: JobBackoff | number;
  timeout?: number;
  priority?: JobPriority;
  /** `false` (or a falsy value read from configuration) leaves the schedule out and removes it if it exists. */
  enabled?: boolean;
  /**
   * `true` (default): one run per tick across all instances, as a BullMQ job scheduler.
   * `false`: runs in-process on every instance that runs workers, on a timer of the module's own (the same cron parser as BullMQ).
   */
  distributed?: boolean;
}

/** What `@Cron` / `@Every` record on a method. */
export interface CronMetadata {
  expression?: string;
  every?: number;
  options: CronOptions;
}

/** A run-time schedule of a registered job: exactly one of `cron` and `every`. */
export interface ScheduleOptions extends ScheduleTiming {
  /** Identifies the schedule; default the job name. */
  id?: string;
  cron?: string;
  /** Milliseconds between runs. */
  every?: number;
  data?: unknown;
  attempts?: number;
  backoff?: JobBackoff | number;
  timeout?: number;
  priority?: JobPriority;
}

export interface ScheduleInfo {
  id: string;
  /** Job name of its runs. */
  name: string;
  queue: string;
  /**
   * `code`: declared with `@Cron`; `runtime`: made by `JobService.schedule`; `definition`: a `JobDefinition`'s (its id
   * is the definition's id); `external`: made outside this module.
   */
  origin: 'code' | 'runtime' | 'definition' | 'external';
  /** `false` for a local `@Cron({ distributed: false })`, which runs on every instance. */
  distributed: boolean;
  cron?: string;
  every?: number;
  timeZone?: string;
  next?: Date;
  data?: unknown;
  iterations?: number;
  limit?: number;
  startDate?: Date;
  endDate?: Date;
}
