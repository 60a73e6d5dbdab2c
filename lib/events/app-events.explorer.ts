import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { JOBS_OPTIONS, ON_APP_EVENT_METADATA } from '../jobs.constants.js';
import { JobsConfigurationError } from '../jobs.errors.js';
import { messages } from '../jobs.messages.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import type { AppEventContext, OnAppEventMetadata } from '../interfaces/app-events.interface.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { DecoratedMethods, type DecoratedMethod } from '../discovery/decorated-methods.scanner.js';
import { JobRegistry } from '../runtime/job.registry.js';
import { baseJobOptions } from '../policy/job-options.policy.js';
import { AppEventDeliveryContext } from './app-event.context.js';
import type { DeliveryData } from './app-event.delivery.js';
import { AppEventSubscribers } from './app-event.subscribers.js';
import { eventMatcher, eventPatternProblem } from './event-names.js';
import { EVENT_JOB_PREFIX, EVENTS_OPTIONS } from './events.constants.js';
import type { ResolvedEventsOptions } from './events.options.js';

type Subscriber = (payload: unknown, ctx: AppEventContext) => unknown;

/**
 * Finds `@OnAppEvent` methods at start-up. Each becomes a job name of its own, so every delivery has retries, timeout,
 * cancel, events and history like any job; anything malformed stops start-up naming `Class.method`.
 */
@Injectable()
export class AppEventsExplorer implements OnModuleInit {
  constructor(
    private readonly methods: DecoratedMethods,
    private readonly jobs: JobRegistry,
    private readonly subscribers: AppEventSubscribers,
    @Inject(JOBS_OPTIONS) private readonly jobsOptions: ResolvedJobsOptions,
    @Inject(EVENTS_OPTIONS) private readonly options: ResolvedEventsOptions,
  ) {}

  onModuleInit(): void {
    for (const found of this.methods.find<OnAppEventMetadata>(ON_APP_EVENT_METADATA, '@OnAppEvent')) this.register(found);
  }

  private register({ instance, method, where, meta }: DecoratedMethod<OnAppEventMetadata>): void {
    const { pattern, options } = meta;
    const fail = (option: string, detail: string): never => {
      throw new JobsConfigurationError(messages.badAppEventOption(where, option, detail));
    };
    const problem = eventPatternProblem(pattern);
    if (problem) throw new JobsConfigurationError(messages.badAppEventPattern(where, problem));
    const name = options.name ?? EVENT_JOB_PREFIX + where;
    if (typeof name !== 'string' || !name || name.length > 200)
      fail('name', `must be a string of 1 to 200 characters; got ${JSON.stringify(name)}.`);
    const queue = options.queue ?? this.options.queue;
    if (typeof queue !== 'string' || !queue || queue.includes(':'))
      fail('queue', `must be a non-empty name without ":"; got ${JSON.stringify(queue)}.`);

    const subscriber = (instance as Record<string, Subscriber>)[method].bind(instance);
    this.jobs.register({
      name,
      queue,
      className: where,
      kind: 'event',
      handler: { handle: (data, ctx) => this.deliver(subscriber, data as DeliveryData, ctx) },
      options: { queue, attempts: options.attempts, backoff: options.backoff, timeout: options.timeout },
      baseOptions: baseJobOptions(options, this.jobsOptions.defaultJobOptions, fail),
    });
    this.subscribers.add({ jobName: name, pattern, where, matches: eventMatcher(pattern) });
  }

  private deliver(subscriber: Subscriber, { event, payload }: DeliveryData, ctx: JobContext): unknown {
    const schema = this.options.schemas[event.name];
    // As a processor with a schema does, a subscriber receives an instance of the event's payload class.
    const data = schema && payload && typeof payload === 'object' ? plainToInstance(schema, payload) : payload;
    return subscriber(data, new AppEventDeliveryContext(ctx, data, { ...event, emittedAt: new Date(event.emittedAt) }));
  }
}
