import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FlowProducer, Processor, Queue, QueueEvents, QueueEventsProducer, Telemetry, Worker, WorkerOptions } from 'bullmq';
import { JOBS_OPTIONS } from '../jobs.constants.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import { CONTROL_QUEUE } from '../jobs.constants.js';
import { createQueueBackend, type QueueBackend, type StreamEntry, type StreamGap } from '../backends/queue-backend.js';
import { ConnectionFaults } from './connection-faults.js';

export type WorkerSettings = Pick<
  WorkerOptions,
  'concurrency' | 'limiter' | 'name' | 'settings' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'
>;

/**
 * Builds every BullMQ object of the module on one backend, Redis or PostgreSQL; nothing else in the module knows which.
 * Injectable so a host or test can replace it.
 */
@Injectable()
export class BullMqFactory {
  private readonly logger = new Logger('JobsModule');
  private readonly backend: QueueBackend;
  private readonly streams: { events: { maxLen: number } };
  /** Given to the objects that trace (queues, workers, flow producers); BullMQ's event readers and producers take none. */
  private readonly traced: { telemetry?: Telemetry };
  /** Every object's errors go here: connection faults are told once per outage, anything else at once. */
  private readonly faults: ConnectionFaults;
  /** What the fault log asks to learn that the backend answers again; built at the first fault. */
  private probeQueue?: Queue;

  constructor(@Inject(JOBS_OPTIONS) options: ResolvedJobsOptions) {
    this.backend = createQueueBackend(options.connection, options.prefix);
    this.streams = { events: { maxLen: options.eventStreamLength } };
    this.traced = options.telemetry ? { telemetry: options.telemetry } : {};
    this.faults = new ConnectionFaults(this.logger, this.backend.location, () => {
      this.probeQueue ??= this.reportingErrors(
        new this.backend.classes.Queue(CONTROL_QUEUE, this.backend.base) as unknown as Queue,
        'Probe',
      );
      return this.probeQueue.count();
    });
  }

  /** An error of a BullMQ object: see `ConnectionFaults`. */
  reportError(source: string, err: Error): void {
    this.faults.report(source, err);
  }

  get location(): string {
    return this.backend.location;
  }

  get namespace(): string {
    return this.backend.namespace;
  }

  // The classes are typed for the backend they are bound to; the module uses them through BullMQ's default types.
  queue(name: string): Queue {
    const queue = new this.backend.classes.Queue(name, { ...this.backend.base, ...this.traced, streams: this.streams }) as unknown as Queue;
    return this.reportingErrors(queue, `Queue "${name}"`);
  }

  worker(name: string, processor: Processor, settings: WorkerSettings): Worker {
    return new this.backend.classes.Worker(name, processor, {
      ...this.backend.base,
      ...this.traced,
      ...settings,
      autorun: false,
    }) as unknown as Worker;
  }

  /** Reads a queue's event stream from `lastEventId` (exclusive), or from now on. */
  queueEvents(name: string, lastEventId?: string): QueueEvents {
    return new this.backend.classes.QueueEvents(name, { ...this.backend.base, autorun: true, lastEventId }) as unknown as QueueEvents;
  }

  eventsProducer(name: string): QueueEventsProducer {
    const producer = new this.backend.classes.QueueEventsProducer(name, this.backend.base) as unknown as QueueEventsProducer;
    return this.reportingErrors(producer, `Events producer of "${name}"`);
  }

  flowProducer(): FlowProducer {
    const flows = new this.backend.classes.FlowProducer({ ...this.backend.base, ...this.traced }) as unknown as FlowProducer;
    return this.reportingErrors(flows, 'Flow producer');
  }

  /** An 'error' without a listener would crash the process; a lost connection is reported and BullMQ reconnects. */
  reportingErrors<T extends { on(event: 'error', fn: (err: Error) => void): unknown }>(emitter: T, what: string): T {
    emitter.on('error', (err: Error) => this.reportError(what, err));
    return emitter;
  }

  /** Whether the queue's event stream dropped events after `position` before they were read; what, if so. */
  trimmedSince(queue: Queue, position: string): Promise<StreamGap | undefined> {
    return this.backend.trimmedSince(queue, position);
  }

  lastEventId(queue: Queue): Promise<string> {
    return this.backend.lastEventId(queue);
  }

  eventsBetween(queue: Queue, after: string, upTo: string): Promise<StreamEntry[]> {
    return this.backend.eventsBetween(queue, after, upTo);
  }

  /** Shutdown has begun: connections that close from now on are not faults. */
  closing(): void {
    this.faults.close();
  }

  /** Closes what the objects share; every object built here must be closed first. */
  async close(): Promise<void> {
    this.faults.close();
    await this.probeQueue?.close().catch(() => undefined);
    await this.backend.close();
  }
}
