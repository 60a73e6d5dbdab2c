import { Injectable } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { JobsConfigurationError } from '../jobs.errors.js';
import { messages } from '../jobs.messages.js';
import type { JobHandler } from '../interfaces/job-handler.interface.js';
import type { JobProcessorOptions } from '../interfaces/job-processor-options.interface.js';

/** A discovered processor with the BullMQ options its jobs start from, merged once at start-up. */
export interface RegisteredJob {
  name: string;
  queue: string;
  className: string;
  /** `processor`: a `@JobProcessor` class; `cron`: a `@Cron` / `@Every` method; `event`: an `@OnAppEvent` method. */
  kind: 'processor' | 'cron' | 'event';
  handler: JobHandler<unknown, unknown>;
  options: JobProcessorOptions;
  baseOptions: JobsOptions & { timeout?: number };
}

/** Job names to their processors; filled by the explorer at start-up, read on every enqueue and dispatch. */
@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, RegisteredJob>();

  /** Refuses a second handler of one name, whether processor or `@Cron` method. */
  register(job: RegisteredJob): void {
    const existing = this.jobs.get(job.name);
    if (existing) throw new JobsConfigurationError(messages.duplicateJob(job.name, existing.className, job.className));
    this.jobs.set(job.name, job);
  }

  get(name: string): RegisteredJob | undefined {
    return this.jobs.get(name);
  }

  names(): string[] {
    return [...this.jobs.keys()].sort();
  }

  all(): RegisteredJob[] {
    return [...this.jobs.values()];
  }

  onQueue(queue: string): RegisteredJob[] {
    return this.all().filter((job) => job.queue === queue);
  }
}
