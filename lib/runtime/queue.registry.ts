import { Inject, Injectable } from '@nestjs/common';
import type { FlowProducer, Queue } from 'bullmq';
import { DEFAULT_QUEUE, JOBS_OPTIONS } from '../jobs.constants.js';
import { UnknownQueueError } from '../jobs.errors.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import { JobRegistry } from './job.registry.js';
import { BullMqFactory } from './bullmq.factory.js';

/** The module's queues, created on first use and closed together at shutdown. */
@Injectable()
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();
  /** Queues a host asked for by name (`JobsModule.registerQueue`) before any processor of theirs was found. */
  private readonly declared = new Set<string>();
  private flows?: FlowProducer;

  constructor(
    private readonly factory: BullMqFactory,
    private readonly registry: JobRegistry,
    @Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions,
  ) {}

  /** Queues named in options, by a processor, and `default`. */
  names(): string[] {
    const names = new Set([
      DEFAULT_QUEUE,
      ...Object.keys(this.options.queues),
      ...this.declared,
      ...this.registry.all().map((j) => j.queue),
    ]);
    return [...names].sort();
  }

  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      if (!this.names().includes(name)) throw new UnknownQueueError(name, this.names());
      queue = this.factory.queue(name);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Makes `name` one of the module's queues, whether or not a processor of this application works it, and returns it. */
  declare(name: string): Queue {
    this.declared.add(name);
    return this.get(name);
  }

  /** Resolves once the backend answers for every queue; on PostgreSQL, fails if its tables are missing or too old. */
  async ready(): Promise<void> {
    await Promise.all(this.names().map((name) => this.get(name).waitUntilReady()));
  }

  /**
   * Applies each worked queue's `globalConcurrency` from options, and lifts one that options no longer set. Only
   * instances that work a queue touch its limit, so a producer-only instance never lifts it.
   */
  async applyGlobalConcurrency(worked: string[]): Promise<void> {
    for (const name of worked) {
      const limit = this.options.queues[name]?.globalConcurrency;
      const queue = this.get(name);
      await (limit ? queue.setGlobalConcurrency(limit) : queue.removeGlobalConcurrency());
    }
  }

  flowProducer(): FlowProducer {
    return (this.flows ??= this.factory.flowProducer());
  }

  async close(): Promise<void> {
    const closing = [...this.queues.values()].map((q) => q.close());
    if (this.flows) closing.push(this.flows.close());
    await Promise.allSettled(closing);
    this.queues.clear();
  }
}
