import { SetMetadata } from '@nestjs/common';
import { CRON_METADATA } from '../jobs.constants.js';
import type { CronMetadata, CronOptions } from '../interfaces/schedule.interface.js';

/**
 * Runs the decorated method on a cron expression (five fields, six with seconds, or `@hourly`, `@daily`, `@weekly`,
 * `@monthly`, …) once per tick across all instances. The method receives the `JobContext` of the run.
 */
export const Cron = (expression: string, options: CronOptions = {}): MethodDecorator =>
  SetMetadata<string, CronMetadata>(CRON_METADATA, { expression, options });

/** Runs the decorated method every `ms` milliseconds, once per interval across all instances. */
export const Every = (ms: number, options: CronOptions = {}): MethodDecorator =>
  SetMetadata<string, CronMetadata>(CRON_METADATA, { every: ms, options });
