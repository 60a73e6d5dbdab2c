import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Job, type QueueEvents } from 'bullmq';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { BullMqFactory } from './bullmq.factory.js';
import { JobEventBus } from './job-event.bus.js';
import { jobEvents, queueErrorOf, type EventSource } from './job-events.js';
import { fromQueueId } from '../policy/job-ids.js';
import { QueueRegistry } from './queue.registry.js';
import { FaultLog } from './fault-log.js';
import { within } from '../within.js';

const SHUTDOWN_WAIT_MS = 5_000;

/** States a job is removed from before it ever ran. */
const UNSTARTED = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'paused']);

/** Job names remembered for events whose job the queue has already removed. */
const NAMES_KEPT = 10_000;

type StreamArgs = Record<string, string> & { jobId: string };

/** The job with another count of attempts made (a `Job`'s queue name is a getter, which a spread would lose). */
const withAttempts = (job: Job, attemptsMade: number): EventSource => ({
  id: job.id,
  name: job.name,
  queueName: job.queueName,
  data: job.data,
  timestamp: job.timestamp,
  opts: job.opts,
  processedOn: job.processedOn,
  finishedOn: job.finishedOn,
  repeatJobKey: job.repeatJobKey,
  delay: job.delay,
  attemptsMade,
});

/**
 * The lifecycle of every job on the module's queues, whichever instance ran it: BullMQ's queue event streams read
 * through `QueueEvents`, one per queue, started when the first cluster-scope listener subscribes. Each event is
 * completed with the job as the queue keeps it, so it has the shape of a local one; what only the running process
 * knows (`log` lines, the error's class for a retry) is not in it.
 */
@Injectable()
export class ClusterEvents implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobsModule');
  private readers?: Promise<QueueEvents[]>;
  private closed = false;
  /** Queues are known once every module is initialised; a subscription made before waits for it. */
  private booted!: () => void;
  private readonly boot = new Promise<void>((resolve) => (this.booted = resolve));
  /** Per queue, the events being completed, in stream order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly names = new Map<string, string>();
  /**
   * Attempts each job was seen starting since it was seen added (a stall's re-run repeats its attempt): the job read
   * after the fact may be further on, so its own count would number an attempt that has since ended one too high.
   */
  private readonly starts = new Map<string, number>();
  private readonly added = new Set<string>();
  private readonly stalled = new Set<string>();
  /** Queues whose stream or jobs cannot be read now. */
  private readonly faults = new Map<string, FaultLog>();

  constructor(
    private readonly factory: BullMqFactory,
    private readonly queues: QueueRegistry,
    private readonly bus: JobEventBus,
  ) {
    bus.attachCluster(this);
  }

  /** Starts reading every queue's stream (once); resolves when every event from now on will be seen. */
  start(): Promise<unknown> {
    if (this.closed) return Promise.resolve();
    return (this.readers ??= this.startReading().catch((err: Error) => {
      this.readers = undefined;
      this.logger.error(`Cluster events could not start: ${err.message}`);
      throw err;
    }));
  }

  onApplicationBootstrap(): void {
    this.booted();
  }

  private async startReading(): Promise<QueueEvents[]> {
    await this.boot;
    if (this.closed) return [];
    await this.queues.ready();
    const started = await Promise.allSettled(this.queues.names().map((name) => this.read(name)));
    const readers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // All or none: a later start must not read a queue twice.
    if (failure || this.closed) {
      await Promise.allSettled(readers.map((r) => r.close()));
      if (failure) throw failure.reason;
      return [];
    }
    return readers;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    // A start still waiting for bootstrap (which failed, if shutdown comes first) ends now.
    this.booted();
    const readers: Promise<QueueEvents[]> = this.readers?.catch(() => []) ?? Promise.resolve([]);
    if (await within(readers, SHUTDOWN_WAIT_MS)) await Promise.allSettled((await readers).map((r) => r.close()));
  }

  private async read(queue: string): Promise<QueueEvents> {
    const from = await this.factory.lastEventId(this.queues.get(queue));
    const events = this.factory.queueEvents(queue, from);
    events.on('error', (err: Error) => this.faultOf(queue).failed(err));
    const on = (name: string, fn: (args: StreamArgs) => Promise<JobEvent | undefined> | JobEvent | undefined) =>
      (events as unknown as NodeJS.EventEmitter).on(name, (args: StreamArgs) => this.enqueue(queue, () => fn(args)));
    on('added', (a) => {
      this.added.add(a.jobId);
      this.starts.set(a.jobId, 0);
      if (a.name) this.remember(a.jobId, a.name);
      return this.made(queue, a.jobId, (job) => jobEvents.enqueued('enqueued', job, 'cluster'));
    });
    // Removed before it ran (a cancel, a drain): the job's end; removals of finished jobs are retention, not ends.
    on('removed', (a) => {
      this.added.delete(a.jobId);
      this.starts.delete(a.jobId);
      if (!UNSTARTED.has(a.prev)) return undefined;
      return jobEvents.endedFromStream({ id: a.jobId, name: this.names.get(a.jobId) ?? '', queue }, 'removed');
    });
    on('active', (a) => (this.added.delete(a.jobId), this.made(queue, a.jobId, (job) => this.active(job))));
    on('progress', (a) => this.progress(queue, a.jobId, a.data as unknown as number | object));
    on('completed', (a) => this.completed(queue, a.jobId, a.returnvalue));
    on('failed', (a) => this.failed(queue, a.jobId, a.failedReason));
    on('delayed', (a) => (this.added.delete(a.jobId) ? undefined : this.retried(queue, a.jobId, Number(a.delay))));
    on('waiting', (a) => (a.prev === 'active' ? this.retried(queue, a.jobId, Date.now()) : undefined));
    // Marked at once, not in order: the `waiting` just before it in the same step must not read as a retry.
    (events as unknown as NodeJS.EventEmitter).on('stalled', ({ jobId }: StreamArgs) => {
      this.stalled.add(jobId);
      const started = this.starts.get(jobId);
      if (started) this.starts.set(jobId, started - 1);
      this.enqueue(queue, () => this.made(queue, jobId, (job) => jobEvents.stalled(job, { jobId, queue }, 'cluster'), true));
    });
    await events.waitUntilReady();
    return events;
  }

  /** Completes events one after another per queue, so listeners see a job's events in the order they happened. */
  private enqueue(queue: string, make: () => Promise<JobEvent | undefined> | JobEvent | undefined): void {
    const next = (this.chains.get(queue) ?? Promise.resolve())
      .then(make)
      .then((event) => {
        this.faultOf(queue).succeeded();
        if (event) this.bus.publish(event);
      })
      .catch((err: Error) => this.faultOf(queue).failed(err));
    this.chains.set(queue, next);
  }

  /** A connection loss is told once per queue, and its end once, however many reads fail in between. */
  private faultOf(queue: string): FaultLog {
    let fault = this.faults.get(queue);
    if (!fault) this.faults.set(queue, (fault = new FaultLog(this.logger, `Reading the cluster events of queue "${queue}"`)));
    return fault;
  }

  private async job(queue: string, jobId: string): Promise<Job | undefined> {
    const job = await Job.fromId(this.queues.get(queue), jobId);
    if (job) this.remember(jobId, job.name);
    return job;
  }

  private remember(jobId: string, name: string): void {
    this.names.delete(jobId);
    this.names.set(jobId, name);
    if (this.names.size > NAMES_KEPT) this.names.delete(this.names.keys().next().value!);
  }

  private async made(
    queue: string,
    jobId: string,
    make: (job: Job) => JobEvent | undefined,
    stalled = false,
  ): Promise<JobEvent | undefined> {
    const job = await this.job(queue, jobId);
    if (stalled) this.stalled.delete(jobId);
    return job ? make(job) : undefined;
  }

  private active(job: Job): JobEvent {
    const started = this.starts.get(job.id!);
    const event = jobEvents.active(started === undefined ? job : withAttempts(job, started), 'cluster');
    this.starts.set(job.id!, event.attempt);
    if (this.starts.size > NAMES_KEPT) this.starts.delete(this.starts.keys().next().value!);
    return event;
  }

  private async progress(queue: string, jobId: string, progress: number | object): Promise<JobEvent | undefined> {
    const name = this.names.get(jobId) ?? (await this.job(queue, jobId))?.name;
    if (name === undefined) return undefined;
    return jobEvents.progress({ id: fromQueueId(jobId), name, queue }, progress, this.starts.get(jobId), 'cluster');
  }

  // A job removed already (`removeOnComplete`, `removeOnFail`) still ends: with what the stream said.
  private async completed(queue: string, jobId: string, result: unknown): Promise<JobEvent | undefined> {
    this.starts.delete(jobId);
    const job = await this.job(queue, jobId);
    return job
      ? jobEvents.completed(job, result, 'cluster')
      : jobEvents.endedFromStream({ id: jobId, name: this.names.get(jobId) ?? '', queue }, { result });
  }

  private async failed(queue: string, jobId: string, reason: string | undefined): Promise<JobEvent | undefined> {
    const job = await this.job(queue, jobId);
    if (job) return this.ended(job, job, reason, true);
    this.starts.delete(jobId);
    return jobEvents.endedFromStream({ id: jobId, name: this.names.get(jobId) ?? '', queue }, { reason });
  }

  /** `source` is the job, or the job with the attempt count this reader saw. */
  private ended(job: Job, source: EventSource, reason: string | undefined, final: boolean, runsAt?: number): JobEvent {
    if (final) this.starts.delete(job.id!);
    const error = queueErrorOf(reason ?? job.failedReason, job.stacktrace?.at(-1));
    const event = jobEvents.ended(source, error, final, 'cluster');
    if (event.type === 'retrying') event.retryDelay = Math.max(0, (runsAt ?? Date.now()) - Date.now());
    return event;
  }

  /**
   * Back to waiting or delayed after it ran: a retry, or a job handed back at shutdown, which local events also report
   * as `retrying`. A stall is reported as `stalled` instead.
   */
  private async retried(queue: string, jobId: string, runsAt: number): Promise<JobEvent | undefined> {
    if (this.stalled.has(jobId)) return undefined;
    const job = await this.job(queue, jobId);
    if (!job || job.attemptsMade === 0) return undefined;
    const started = this.starts.get(jobId);
    return this.ended(job, started === undefined ? job : withAttempts(job, started), undefined, false, runsAt);
  }
}
