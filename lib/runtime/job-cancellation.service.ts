import { Injectable } from '@nestjs/common';
import type { QueueEvents, QueueEventsProducer } from 'bullmq';
import { CANCEL_EVENT, CONTROL_QUEUE } from '../jobs.constants.js';
import { JobCancelledError } from '../jobs.errors.js';
import { ActiveJobs } from './active-jobs.registry.js';
import { BullMqFactory } from './bullmq.factory.js';

interface CancelMessage {
  eventName: typeof CANCEL_EVENT;
  queue: string;
  jobId: string;
}

/**
 * Cancels an active job wherever it runs: here directly, elsewhere through a control queue's event stream that every
 * instance with workers listens to. One listening connection per instance, whatever the number of queues.
 */
@Injectable()
export class JobCancellation {
  private producer?: QueueEventsProducer;
  private listener?: QueueEvents;

  constructor(
    private readonly factory: BullMqFactory,
    private readonly active: ActiveJobs,
  ) {}

  async listen(): Promise<void> {
    this.listener = this.factory.queueEvents(CONTROL_QUEUE);
    this.factory.reportingErrors(this.listener, 'Cancel listener');
    (this.listener as unknown as NodeJS.EventEmitter).on(CANCEL_EVENT, (msg: CancelMessage) =>
      this.active.abort(msg.queue, msg.jobId, new JobCancelledError()),
    );
    await this.listener.waitUntilReady();
  }

  async request(queue: string, jobId: string): Promise<void> {
    if (this.active.abort(queue, jobId, new JobCancelledError())) return;
    this.producer ??= this.factory.eventsProducer(CONTROL_QUEUE);
    const message: CancelMessage = { eventName: CANCEL_EVENT, queue, jobId };
    await this.producer.publishEvent(message);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.listener?.close(), this.producer?.close()]);
    this.listener = this.producer = undefined;
  }
}
