import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { JobCancelledError, JobNotFoundError, JobTimeoutError, UnknownQueueError } from '../jobs.errors.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { toQueueId } from '../policy/job-ids.js';
import { AppEventOutlet } from '../runtime/app-event.outlet.js';
import { JobEventBus } from '../runtime/job-event.bus.js';
import { jobEvents } from '../runtime/job-events.js';
import type { JobRequest } from '../runtime/job-request.builder.js';
import { JobRegistry } from '../runtime/job.registry.js';
import { untilAborted } from '../runtime/until-aborted.js';
import { TestingJobContext } from './testing-job.context.js';
import { TestingJob } from './testing-job.js';
import { JOBS_TESTING_MODE, type JobsTestingMode } from './testing.constants.js';

const MAX_DRAIN = 10_000;

/**
 * The testing mode's queue: jobs in memory, run in this process by the same handlers, with the same context, retries
 * and events as workers give them. `inline` runs each job as it is added; `fake` keeps it until `drain()`. Retries and
 * delays do not wait: a delayed job or a retry runs at once when its turn comes.
 */
@Injectable()
export class TestingJobs {
  private readonly jobs = new Map<string, TestingJob>();
  private readonly paused = new Set<string>();

  constructor(
    private readonly registry: JobRegistry,
    private readonly bus: JobEventBus,
    private readonly outlet: AppEventOutlet,
    @Inject(JOBS_TESTING_MODE) readonly mode: JobsTestingMode,
  ) {
    // Every event is both this process's and the cluster's: there is no other instance to hear from.
    bus.attachCluster({ start: () => Promise.resolve() });
  }

  /** Adds validated requests (a flow's children under `parent`); `inline` mode then runs what became runnable. */
  async add(requests: Array<JobRequest & { repeatJobKey?: string }>, parent?: TestingJob): Promise<TestingJob[]> {
    const added = requests.map(({ job, data, opts, repeatJobKey }) => {
      const existing = this.jobs.get(opts.jobId!);
      // As BullMQ: adding under an id already taken adds nothing and returns the job there.
      if (existing) return existing;
      const created = new TestingJob(job.name, job.queue, data, opts, parent, repeatJobKey);
      this.jobs.set(created.id, created);
      parent?.children.push(created);
      this.publish(jobEvents.enqueued('enqueued', created));
      return created;
    });
    return added;
  }

  /** Marks a flow's parent as waiting for its children. */
  awaitChildren(parent: TestingJob): void {
    if (parent.children.length && parent.runnable) parent.state = 'waiting-children';
  }

  /** In `inline` mode, runs every runnable job now; in `fake` mode, nothing until `drain()`. */
  async settle(): Promise<void> {
    if (this.mode === 'inline') await this.drain();
  }

  /** Runs runnable jobs (those added meanwhile too) until none is left: children before parents, by priority, oldest first. */
  async drain(): Promise<number> {
    let ran = 0;
    for (let next = this.next(); next; next = this.next()) {
      // Jobs that keep adding jobs would otherwise hold the test until its timeout, with no word of why.
      if (ran === MAX_DRAIN) throw new Error(`drain() ran ${MAX_DRAIN} jobs and more keep coming; the last was "${next.name}".`);
      await this.run(next);
      ran++;
    }
    return ran;
  }

  /** Runs the next runnable job, if any; returns it. */
  async runNext(): Promise<TestingJob | undefined> {
    const next = this.next();
    if (next) await this.run(next);
    return next;
  }

  find(id: string, queue?: string): TestingJob | undefined {
    const job = this.jobs.get(toQueueId(id));
    return job && (queue === undefined || job.queueName === queue) ? job : undefined;
  }

  require(id: string, queue?: string): TestingJob {
    const job = this.find(id, queue);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  all(): TestingJob[] {
    return [...this.jobs.values()];
  }

  /** The queues jobs can be on: every registered job's. */
  queueNames(): string[] {
    return [...new Set(this.registry.all().map((job) => job.queue))].sort();
  }

  checkQueue(queue: string): void {
    if (!this.queueNames().includes(queue)) throw new UnknownQueueError(queue, this.queueNames());
  }

  pause(queue: string, paused: boolean): void {
    this.checkQueue(queue);
    if (paused) this.paused.add(queue);
    else this.paused.delete(queue);
  }

  isPaused(queue: string): boolean {
    return this.paused.has(queue);
  }

  /** A job that has not started leaves its queue as `cancelled`; a running one is told to abort. */
  cancel(job: TestingJob): 'cancelled' | 'cancelling' {
    if (job.state === 'active') {
      job.controller?.abort(new JobCancelledError());
      return 'cancelling';
    }
    job.state = 'cancelled';
    job.finishedOn = Date.now();
    this.publish(jobEvents.cancelledBeforeStart(job));
    return 'cancelled';
  }

  /** A failed job runs again with a fresh set of attempts. */
  retry(job: TestingJob): void {
    job.state = 'waiting';
    job.attemptsMade = 0;
    job.error = undefined;
    job.finishedOn = undefined;
  }

  remove(job: TestingJob): void {
    this.jobs.delete(job.id);
  }

  clear(): void {
    this.jobs.clear();
    this.paused.clear();
  }

  private next(): TestingJob | undefined {
    let best: TestingJob | undefined;
    for (const job of this.jobs.values()) {
      if (!job.runnable || this.paused.has(job.queueName)) continue;
      if (!best || (job.opts.priority ?? 0) < (best.opts.priority ?? 0)) best = job;
    }
    return best;
  }

  /** Every attempt a worker would give the job, one after another, with no backoff wait. */
  private async run(job: TestingJob): Promise<void> {
    while (!(await this.attempt(job)));
    if (job.parent) this.childEnded(job);
  }

  /** One attempt; returns whether the job has ended. */
  private async attempt(job: TestingJob): Promise<boolean> {
    const registered = this.registry.get(job.name);
    const controller = new AbortController();
    job.controller = controller;
    job.state = 'active';
    job.processedOn = Date.now();
    const timeout = job.opts.timeout ?? registered?.baseOptions.timeout;
    const timer = timeout ? setTimeout(() => controller.abort(new JobTimeoutError(timeout)), timeout) : undefined;
    this.publish(jobEvents.active(job));
    try {
      if (!registered) throw new Error(`No processor for job "${job.name}" in this application.`);
      const schema = registered.options.schema;
      const data: unknown = schema && job.data && typeof job.data === 'object' ? plainToInstance(schema, job.data) : job.data;
      const ctx = new TestingJobContext(job, data, controller.signal, this.bus, this.outlet);
      const result = await untilAborted(
        Promise.resolve().then(() => registered.handler.handle(data, ctx)),
        controller.signal,
      );
      job.attemptsMade++;
      job.state = 'completed';
      job.result = result;
      job.finishedOn = Date.now();
      this.publish(jobEvents.completed(job, result));
      return true;
    } catch (err) {
      job.attemptsMade++;
      const event = jobEvents.thrown(job, err as Error);
      if (event.type === 'retrying') {
        job.state = 'waiting';
        this.publish(event);
        return false;
      }
      job.state = event.type;
      job.error = err as Error;
      job.finishedOn = event.finishedAt;
      this.publish(event);
      return true;
    } finally {
      clearTimeout(timer);
      job.controller = undefined;
    }
  }

  /** As BullMQ's flows: a parent runs once every child completed; a child that failed for good fails its parent. */
  private childEnded(child: TestingJob): void {
    const parent = child.parent!;
    if (parent.state !== 'waiting-children') return;
    if (child.state !== 'completed') {
      parent.state = 'failed';
      parent.error = new Error(`child ${child.userId} ended as ${child.state}`);
      parent.finishedOn = Date.now();
      this.publish(jobEvents.ended(parent, { name: 'Error', message: parent.error.message }, true));
    } else if (parent.children.every((c) => c.state === 'completed')) {
      parent.state = 'waiting';
    }
  }

  private publish(event: JobEvent): void {
    this.bus.publish(event);
    this.bus.publish({ ...event, scope: 'cluster' });
  }
}
