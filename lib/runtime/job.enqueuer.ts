import { Inject, Injectable, Optional } from '@nestjs/common';
import { Job } from 'bullmq';
import type { JobHandle } from '../interfaces/job-info.interface.js';
import type { JobTransaction } from '../interfaces/job-options.interface.js';
import { JobEventBus } from './job-event.bus.js';
import { jobEvents } from './job-events.js';
import { fromQueueId } from '../policy/job-ids.js';
import type { StoredJobOptions } from '../policy/job-options.policy.js';
import type { JobRequest, QueuedRequest } from './job-request.builder.js';
import { QueueRegistry } from './queue.registry.js';
import { TRANSACTIONAL_ENQUEUER, transactional, type TransactionalEnqueuer } from './transactional-enqueuer.js';

/**
 * Puts validated requests on their queues and reports each add as `enqueued`, or `deduplicated` when nothing was added;
 * with a transaction, hands them to the outbox instead, which adds them once the transaction has committed.
 */
@Injectable()
export class JobEnqueuer {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly bus: JobEventBus,
    @Optional() @Inject(TRANSACTIONAL_ENQUEUER) private readonly outbox?: TransactionalEnqueuer,
  ) {}

  async add(request: JobRequest, transaction?: JobTransaction): Promise<JobHandle> {
    if (transaction !== undefined) return (await transactional(this.outbox).write([request], transaction))[0];
    const job = await this.queues.get(request.job.queue).add(request.job.name, request.data, request.opts);
    return this.enqueued(job, request);
  }

  /** Adds per queue in one round trip each; handles come back in the order of `requests`. */
  async addBulk(requests: QueuedRequest[], transaction?: JobTransaction): Promise<JobHandle[]> {
    if (transaction !== undefined) return transactional(this.outbox).write(requests, transaction);
    const byQueue = new Map<string, number[]>();
    requests.forEach((r, index) => {
      const indexes = byQueue.get(r.job.queue);
      if (indexes) indexes.push(index);
      else byQueue.set(r.job.queue, [index]);
    });
    const handles = new Array<JobHandle>(requests.length);
    await Promise.all(
      [...byQueue].map(async ([queue, indexes]) => {
        const jobs = await this.queues
          .get(queue)
          .addBulk(indexes.map((i) => ({ name: requests[i].job.name, data: requests[i].data, opts: requests[i].opts })));
        // Jobs added under a caller's id are checked in parallel; the rest are settled without an await each.
        const checks: Array<Promise<void>> = [];
        jobs.forEach((job, k) => {
          const request = requests[indexes[k]];
          if (request.opts.addToken) checks.push(this.enqueued(job, request).then((handle) => void (handles[indexes[k]] = handle)));
          else handles[indexes[k]] = this.settled(job, job.id === request.opts.jobId);
        });
        await Promise.all(checks);
      }),
    );
    return handles;
  }

  publish(type: 'enqueued' | 'deduplicated', job: Job): void {
    if (!this.bus.listensTo(type)) return;
    this.bus.publish(jobEvents.enqueued(type, job));
  }

  private async enqueued(job: Job, request: QueuedRequest): Promise<JobHandle> {
    return this.settled(job, job.id === request.opts.jobId && (await this.storedByThisAdd(job, request.opts.addToken)));
  }

  private settled(job: Job, created: boolean): JobHandle {
    this.publish(created ? 'enqueued' : 'deduplicated', job);
    return { id: fromQueueId(job.id!), name: job.name, queue: job.queueName };
  }

  /**
   * BullMQ answers an add under an existing job id with that id and no sign that nothing was stored; the token stored
   * with the job tells. Generated ids are never reused, and a job already removed was this add's own.
   */
  private async storedByThisAdd(job: Job, addToken: string | undefined): Promise<boolean> {
    if (!addToken) return true;
    const stored = await Job.fromId(this.queues.get(job.queueName), job.id!);
    return !stored || (stored.opts as StoredJobOptions).addToken === addToken;
  }
}
