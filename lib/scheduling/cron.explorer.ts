import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CRON_METADATA, DEFAULT_QUEUE, JOBS_OPTIONS } from '../jobs.constants.js';
import { JobsConfigurationError } from '../jobs.errors.js';
import { durationRule, isDuration } from '../option-checks.js';
import { messages } from '../jobs.messages.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import type { CronMetadata } from '../interfaces/schedule.interface.js';
import { DecoratedMethods, type DecoratedMethod } from '../discovery/decorated-methods.scanner.js';
import { JobRegistry } from '../runtime/job.registry.js';
import { baseJobOptions } from '../policy/job-options.policy.js';
import { CronRegistry } from './cron.registry.js';
import { cronProblem } from './cron-expression.js';
import { scheduleCronMethods } from './schedule-cron.methods.js';
import { scheduleTimingProblem } from './schedule-timing.js';

/**
 * Finds `@Cron`/`@Every` methods at start-up. Each becomes a job name of its own (so runs get retries, timeout, events
 * and history like any job) and a declared schedule; anything malformed stops start-up naming `Class.method`.
 * Methods that carry `@nestjs/schedule`'s `@Cron` instead are named in a warning.
 */
@Injectable()
export class CronExplorer implements OnModuleInit {
  private readonly logger = new Logger('JobsModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly methods: DecoratedMethods,
    private readonly jobs: JobRegistry,
    private readonly crons: CronRegistry,
    @Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions,
  ) {}

  onModuleInit(): void {
    for (const where of scheduleCronMethods(this.discovery, this.scanner, this.reflector)) this.logger.warn(messages.scheduleCron(where));
    for (const found of this.methods.find<CronMetadata>(CRON_METADATA, '@Cron')) this.register(found);
  }

  private register({ instance, method, where, meta }: DecoratedMethod<CronMetadata>): void {
    const { expression, every, options } = meta;
    const fail = (option: string, detail: string): never => {
      throw new JobsConfigurationError(messages.badCronOption(where, option, detail));
    };
    if (every !== undefined) {
      if (!isDuration(every)) fail('every', `must be ${durationRule()}; got ${JSON.stringify(every)}.`);
    } else {
      const problem = cronProblem(expression, options.timeZone);
      if (problem) throw new JobsConfigurationError(messages.badCron(where, expression, problem));
    }
    const timing = scheduleTimingProblem(options);
    if (timing) fail(timing.option, timing.detail);
    const name = options.name ?? where;
    if (typeof name !== 'string' || !name || name.includes(':'))
      fail('name', `must be a non-empty string without ":"; got ${JSON.stringify(name)}.`);
    const queue = options.queue ?? DEFAULT_QUEUE;
    if (typeof queue !== 'string' || !queue || queue.includes(':'))
      fail('queue', `must be a non-empty name without ":"; got ${JSON.stringify(queue)}.`);

    const run = (ctx: JobContext) => (instance as Record<string, (ctx: JobContext) => unknown>)[method](ctx);
    const baseOptions = baseJobOptions(options, this.options.defaultJobOptions, fail);
    this.jobs.register({
      name,
      queue,
      className: where,
      kind: 'cron',
      handler: { handle: (_data, ctx) => run(ctx) },
      options,
      baseOptions,
    });
    this.crons.add({
      name,
      where,
      queue,
      expression,
      every,
      options,
      enabled: options.enabled ?? true,
      distributed: options.distributed ?? true,
      run,
    });
  }
}
