import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { JobEvent } from './interfaces/job-event.interface.js';
import { describeJob, describeJobs } from './discovery/job-type.describer.js';
import type { JobAddOptions, JobBulkOptions } from './interfaces/job-options.interface.js';
import type { JobData, JobName } from './interfaces/job-handler.interface.js';
import type { JobHandle, JobInfo, JobTypeInfo, QueueCounts } from './interfaces/job-info.interface.js';
import type {
  CancelResult,
  CleanOptions,
  JobFlowHandle,
  JobFlowNode,
  JobListQuery,
  JobRequestItem,
} from './interfaces/job-flow.interface.js';
import type { ScheduleInfo, ScheduleOptions } from './interfaces/schedule.interface.js';
import { JobControl } from './runtime/job-control.service.js';
import { JobFlows } from './runtime/job-flows.service.js';
import { JobReader } from './runtime/job-reader.service.js';
import { JobRegistry } from './runtime/job.registry.js';
import { JobWatcher } from './runtime/job.watcher.js';
import { JobEnqueuer } from './runtime/job.enqueuer.js';
import { JobRequestBuilder } from './runtime/job-request.builder.js';
import { JobSchedules } from './scheduling/job-schedules.service.js';

/**
 * Enqueue, inspect and control jobs. Injected anywhere once `JobsModule.forRoot` is imported. A facade: each call is
 * one line over the service that does the work (enqueuer, flows, reader, control, watcher, schedules).
 */
@Injectable()
export class JobService {
  constructor(
    private readonly requests: JobRequestBuilder,
    private readonly enqueuer: JobEnqueuer,
    private readonly flows: JobFlows,
    private readonly reader: JobReader,
    private readonly control: JobControl,
    private readonly schedules: JobSchedules,
    private readonly registry: JobRegistry,
    private readonly watcher: JobWatcher,
  ) {}

  /** Every registered job name, sorted, with its queue, defaults and payload schema. */
  types(): JobTypeInfo[] {
    return describeJobs(this.registry.all());
  }

  type(name: string): JobTypeInfo | undefined {
    const job = this.registry.get(name);
    return job && describeJob(job);
  }

  /**
   * Validates and enqueues one job; with `transaction`, writes it into that transaction, to reach its queue once it
   * commits. Typed by name once `JobHandlers` is augmented.
   */
  async add<N extends JobName>(name: N, data: JobData<N>, options?: JobAddOptions): Promise<JobHandle> {
    return this.enqueuer.add(await this.requests.build(name, data, options), options?.transaction);
  }

  /** Validates every item before any is enqueued, then adds them per queue in one round trip each (or into `transaction`). */
  async addBulk(items: JobRequestItem[], options: JobBulkOptions = {}): Promise<JobHandle[]> {
    const requests = await Promise.all(items.map((i) => this.requests.build(i.name, i.data, i.options)));
    return this.enqueuer.addBulk(requests, options.transaction);
  }

  /** Adds a tree of jobs: each parent runs once all of its children have completed. */
  flow(root: JobFlowNode): Promise<JobFlowHandle> {
    return this.flows.flow(root);
  }

  /** Runs jobs one after another, each once the previous has completed; a failed step fails the rest. */
  chain(steps: JobRequestItem[]): Promise<JobHandle[]> {
    return this.flows.chain(steps);
  }

  get(id: string, queue?: string): Promise<JobInfo | null> {
    return this.reader.get(id, queue);
  }

  /** Newest first. Without `queue`, lists across all queues. */
  list(query: JobListQuery = {}): Promise<JobInfo[]> {
    return this.reader.list(query);
  }

  /**
   * The lifecycle events of one job, from every instance (cluster scope), for hosts that show a job's progress to their
   * own users behind their own auth. A job that has already finished gives its final event at once. Completes after
   * the final event (`completed`, `failed`, `timeout`, `cancelled`); errors with `JobNotFoundError` for an unknown id.
   */
  watch(id: string, queue?: string): Observable<JobEvent> {
    return this.watcher.watch(id, queue);
  }

  /**
   * Resolves with the job's result once it completes, wherever it runs; rejects with `JobFailedError` if it fails, times
   * out or is cancelled, and with `JobWaitTimeoutError` if it has not finished within `timeout` ms (default: no limit).
   */
  waitUntilFinished<T = unknown>(id: string, options: { timeout?: number; queue?: string } = {}): Promise<T> {
    return this.watcher.waitUntilFinished<T>(id, options);
  }

  /** Removes a job that has not started; tells a running one to abort, after which it ends as `cancelled`. */
  cancel(id: string, queue?: string): Promise<CancelResult> {
    return this.control.cancel(id, queue);
  }

  /** Runs a failed, timed-out or cancelled job again with a fresh set of attempts. */
  retry(id: string, queue?: string): Promise<void> {
    return this.control.retry(id, queue);
  }

  pause(queue: string): Promise<void> {
    return this.control.pause(queue);
  }

  resume(queue: string): Promise<void> {
    return this.control.resume(queue);
  }

  /** Removes waiting jobs (and delayed ones when asked); active jobs run on. */
  drain(queue: string, options: { delayed?: boolean } = {}): Promise<void> {
    return this.control.drain(queue, options);
  }

  /** Removes finished jobs older than `grace` ms; returns their ids. */
  clean(queue: string, options: CleanOptions = {}): Promise<string[]> {
    return this.control.clean(queue, options);
  }

  counts(queue: string): Promise<QueueCounts>;
  counts(): Promise<Record<string, QueueCounts>>;
  counts(queue?: string): Promise<QueueCounts | Record<string, QueueCounts>> {
    return queue === undefined ? this.reader.counts() : this.reader.counts(queue);
  }

  queueNames(): string[] {
    return this.reader.queueNames();
  }

  /** Creates or replaces a run-time schedule of a registered job, run once per tick across all instances. */
  schedule<N extends JobName>(name: N, options: ScheduleOptions & { data?: JobData<N> }): Promise<ScheduleInfo> {
    return this.schedules.schedule(name, options);
  }

  /** Removes a run-time schedule by id (default id: its job name); returns whether it existed. */
  unschedule(id: string): Promise<boolean> {
    return this.schedules.unschedule(id);
  }

  /** Every schedule, soonest first, with its next run and whether it came from code or from run time. */
  listSchedules(): Promise<ScheduleInfo[]> {
    return this.schedules.list();
  }
}
