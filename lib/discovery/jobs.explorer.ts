import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { JOBS_OPTIONS, JOB_PROCESSOR_METADATA, DEFAULT_QUEUE, ON_JOB_EVENT_METADATA } from '../jobs.constants.js';
import { JobsConfigurationError } from '../jobs.errors.js';
import { messages } from '../jobs.messages.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import { JOB_EVENT_TYPES, type JobEvent } from '../interfaces/job-event.interface.js';
import type { JobHandler } from '../interfaces/job-handler.interface.js';
import type { JobProcessorMetadata } from '../interfaces/job-processor-options.interface.js';
import type { OnJobEventMetadata } from '../decorators/on-job-event.decorator.js';
import { JobEventBus } from '../runtime/job-event.bus.js';
import { baseJobOptions } from '../policy/job-options.policy.js';
import { DecoratedMethods } from './decorated-methods.scanner.js';
import { prepareSchemas } from './job-type.describer.js';
import { JobRegistry } from '../runtime/job.registry.js';

/** Finds `@JobProcessor` classes and `@OnJobEvent` methods once, at start-up, and stops it on anything malformed. */
@Injectable()
export class JobsExplorer implements OnModuleInit {
  private readonly logger = new Logger('JobsModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly methods: DecoratedMethods,
    private readonly reflector: Reflector,
    private readonly registry: JobRegistry,
    private readonly bus: JobEventBus,
    @Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) this.registerProcessor(wrapper);
    this.bindEventHandlers();
    await prepareSchemas(this.registry.all());
  }

  private registerProcessor(wrapper: InstanceWrapper): void {
    const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!metatype || wrapper.inject) return;
    const meta = this.reflector.get<JobProcessorMetadata | undefined>(JOB_PROCESSOR_METADATA, metatype);
    if (!meta) return;
    const className = metatype.name;
    if (typeof meta.name !== 'string' || !meta.name.trim()) throw new JobsConfigurationError(messages.badJobName(className, meta.name));
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
      throw new JobsConfigurationError(messages.notSingleton(className, `(processor of "${meta.name}")`));
    }
    const handler = wrapper.instance as JobHandler<unknown, unknown>;
    if (typeof handler?.handle !== 'function') throw new JobsConfigurationError(messages.missingHandle(className, meta.name));
    const queue = meta.options.queue ?? DEFAULT_QUEUE;
    if (typeof queue !== 'string' || !queue || queue.includes(':')) {
      throw new JobsConfigurationError(messages.badQueueName(className, queue));
    }
    const concurrency = meta.options.concurrency;
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
      throw new JobsConfigurationError(messages.badProcessorOption(className, 'concurrency', 'must be a positive integer.'));
    }
    const baseOptions = baseJobOptions(meta.options, this.options.defaultJobOptions, (option, detail) => {
      throw new JobsConfigurationError(messages.badProcessorOption(className, option, detail));
    });
    this.registry.register({ name: meta.name, queue, className, kind: 'processor', handler, options: meta.options, baseOptions });
  }

  private bindEventHandlers(): void {
    for (const { instance, method, where, meta } of this.methods.find<OnJobEventMetadata>(ON_JOB_EVENT_METADATA, '@OnJobEvent')) {
      if (meta.event !== '*' && !JOB_EVENT_TYPES.includes(meta.event)) {
        throw new JobsConfigurationError(messages.badEventHandler(where, meta.event));
      }
      if (meta.scope !== undefined && meta.scope !== 'local' && meta.scope !== 'cluster') {
        throw new JobsConfigurationError(messages.badEventScope(where, meta.scope));
      }
      const fn = (instance as Record<string, (event: JobEvent) => unknown>)[method].bind(instance);
      this.bus.subscribe(meta, (event) => this.callIsolated(where, fn, event));
    }
  }

  /** A hook that throws or rejects is logged; it never reaches the runtime or another hook. */
  private callIsolated(where: string, fn: (event: JobEvent) => unknown, event: JobEvent): void {
    try {
      const result = fn(event);
      if (result instanceof Promise) result.catch((err: unknown) => this.logHookError(where, event, err));
    } catch (err) {
      this.logHookError(where, event, err);
    }
  }

  private logHookError(where: string, event: JobEvent, err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.logger.error(`@OnJobEvent ${where} threw on "${event.type}" of job ${event.name}#${event.jobId}: ${error.message}`, error.stack);
  }
}
