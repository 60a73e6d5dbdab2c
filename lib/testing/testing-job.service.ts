import { Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { JobStateError } from '../jobs.errors.js';
import { FINAL_EVENT_TYPES, type JobEvent } from '../interfaces/job-event.interface.js';
import type { JobAddOptions, JobTransaction } from '../interfaces/job-options.interface.js';
import type { JobData, JobName } from '../interfaces/job-handler.interface.js';
import type { JobHandle, JobInfo, JobState, JobTypeInfo, QueueCounts } from '../interfaces/job-info.interface.js';
import type {
  CancelResult,
  CleanOptions,
  JobFlowHandle,
  JobFlowNode,
  JobListQuery,
  JobRequestItem,
} from '../interfaces/job-flow.interface.js';
import type { ScheduleInfo, ScheduleOptions } from '../interfaces/schedule.interface.js';
import { describeJob, describeJobs } from '../discovery/job-type.describer.js';
import type { JobService } from '../job.service.js';
import { cleanOptions, listQuery } from '../policy/list-query.js';
import { JobEventBus } from '../runtime/job-event.bus.js';
import { errorOf, jobEvents } from '../runtime/job-events.js';
import { chainAsFlow } from '../runtime/job-flows.service.js';
import { JobRequestBuilder, type JobRequest } from '../runtime/job-request.builder.js';
import { JobRegistry } from '../runtime/job.registry.js';
import { untilFinished } from '../runtime/job.watcher.js';
import { TestingJobs } from './testing-jobs.engine.js';
import { TestingSchedules } from './testing-schedules.js';
import { TestingOutbox } from './testing.outbox.js';
import type { TestingJob } from './testing-job.js';

const REMOVABLE: ReadonlySet<JobState> = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);
const handleOf = (job: TestingJob): JobHandle => ({ id: job.userId, name: job.name, queue: job.queueName });

/**
 * `JobService` of the testing mode: the same calls, the same validation and errors, on `TestingJobs` instead of a
 * queue backend. Injected under `JobService`, so the code under test does not change.
 */
@Injectable()
export class TestingJobService implements Pick<JobService, keyof JobService> {
  constructor(
    private readonly engine: TestingJobs,
    private readonly requests: JobRequestBuilder,
    private readonly registry: JobRegistry,
    private readonly bus: JobEventBus,
    private readonly schedules: TestingSchedules,
    private readonly outbox: TestingOutbox,
  ) {}

  types(): JobTypeInfo[] {
    return describeJobs(this.registry.all());
  }

  type(name: string): JobTypeInfo | undefined {
    const job = this.registry.get(name);
    return job && describeJob(job);
  }

  async add<N extends JobName>(name: N, data: JobData<N>, options?: JobAddOptions): Promise<JobHandle> {
    return (await this.enqueue([await this.requests.build(name, data, options)], options?.transaction))[0];
  }

  async addBulk(items: JobRequestItem[], options: { transaction?: JobTransaction } = {}): Promise<JobHandle[]> {
    return this.enqueue(await Promise.all(items.map((i) => this.requests.build(i.name, i.data, i.options))), options.transaction);
  }

  /** Now, or with `transaction` once it commits (and never if it rolls back). */
  private async enqueue(requests: JobRequest[], transaction?: JobTransaction): Promise<JobHandle[]> {
    if (transaction !== undefined) return this.outbox.write(requests, transaction);
    const jobs = await this.engine.add(requests);
    await this.engine.settle();
    return jobs.map(handleOf);
  }

  async flow(root: JobFlowNode): Promise<JobFlowHandle> {
    // Every node is checked before any is added, as the real flow adds the whole tree at once or nothing.
    const check = async (node: JobFlowNode): Promise<[JobRequest, JobFlowNode]> => [
      await this.requests.build(node.name, node.data, node.options),
      node,
    ];
    const all = async (node: JobFlowNode): Promise<Array<[JobRequest, JobFlowNode]>> => [
      await check(node),
      ...(await Promise.all((node.children ?? []).map(all))).flat(),
    ];
    const requests = new Map((await all(root)).map(([request, node]) => [node, request]));
    const addTree = async (node: JobFlowNode, parent?: TestingJob): Promise<JobFlowHandle> => {
      const [job] = await this.engine.add([requests.get(node)!], parent);
      const children = await Promise.all((node.children ?? []).map((child) => addTree(child, job)));
      this.engine.awaitChildren(job);
      return { ...handleOf(job), children };
    };
    const handle = await addTree(root);
    await this.engine.settle();
    return handle;
  }

  async chain(steps: JobRequestItem[]): Promise<JobHandle[]> {
    return chainAsFlow(steps, (root) => this.flow(root));
  }

  async get(id: string, queue?: string): Promise<JobInfo | null> {
    return this.engine.find(id, queue)?.info() ?? null;
  }

  async list(query: JobListQuery = {}): Promise<JobInfo[]> {
    const { limit, offset, state, name, queue } = listQuery(query);
    if (queue !== undefined) this.engine.checkQueue(queue);
    return this.engine
      .all()
      .filter((job) => (!queue || job.queueName === queue) && (!name || job.name === name) && (!state || job.state === state))
      .map((job) => job.info())
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(offset, offset + limit);
  }

  watch(id: string, queue?: string): Observable<JobEvent> {
    return new Observable<JobEvent>((subscriber) => {
      const job = this.engine.require(id, queue);
      if (job.finished) {
        subscriber.next(finalEventOf(job));
        subscriber.complete();
        return;
      }
      return this.bus.subscribe({ event: '*', jobId: job.userId, queue: job.queueName }, (event) => {
        subscriber.next(event);
        if (FINAL_EVENT_TYPES.has(event.type)) subscriber.complete();
      });
    });
  }

  waitUntilFinished<T = unknown>(id: string, options: { timeout?: number; queue?: string } = {}): Promise<T> {
    return untilFinished<T>(id, this.watch(id, options.queue), options.timeout);
  }

  async cancel(id: string, queue?: string): Promise<CancelResult> {
    const job = this.engine.require(id, queue);
    if (!REMOVABLE.has(job.state) && job.state !== 'active') throw new JobStateError(id, job.state, 'cancel');
    return { id, state: this.engine.cancel(job) };
  }

  async retry(id: string, queue?: string): Promise<void> {
    const job = this.engine.require(id, queue);
    if (job.state !== 'failed' && job.state !== 'timeout' && job.state !== 'cancelled') throw new JobStateError(id, job.state, 'retry');
    this.engine.retry(job);
    await this.engine.settle();
  }

  async pause(queue: string): Promise<void> {
    this.engine.pause(queue, true);
  }

  async resume(queue: string): Promise<void> {
    this.engine.pause(queue, false);
    await this.engine.settle();
  }

  async drain(queue: string, options: { delayed?: boolean } = {}): Promise<void> {
    this.engine.checkQueue(queue);
    for (const job of this.engine.all()) {
      if (job.queueName === queue && (job.state === 'waiting' || (options.delayed && job.state === 'delayed'))) this.engine.remove(job);
    }
  }

  async clean(queue: string, options: CleanOptions = {}): Promise<string[]> {
    this.engine.checkQueue(queue);
    const { grace, status, limit } = cleanOptions(options);
    const ended = (job: TestingJob) => (status === 'completed' ? job.state === 'completed' : job.finished && job.state !== 'completed');
    const old = this.engine.all().filter((job) => job.queueName === queue && ended(job) && Date.now() - (job.finishedOn ?? 0) >= grace);
    const removed = limit ? old.slice(0, limit) : old;
    removed.forEach((job) => this.engine.remove(job));
    return removed.map((job) => job.userId);
  }

  counts(queue: string): Promise<QueueCounts>;
  counts(): Promise<Record<string, QueueCounts>>;
  async counts(queue?: string): Promise<QueueCounts | Record<string, QueueCounts>> {
    if (queue !== undefined) {
      this.engine.checkQueue(queue);
      return this.countsOf(queue);
    }
    return Object.fromEntries(this.engine.queueNames().map((name) => [name, this.countsOf(name)]));
  }

  queueNames(): string[] {
    return this.engine.queueNames();
  }

  schedule<N extends JobName>(name: N, options: ScheduleOptions & { data?: JobData<N> }): Promise<ScheduleInfo> {
    return this.schedules.schedule(name, options);
  }

  async unschedule(id: string): Promise<boolean> {
    return this.schedules.unschedule(id);
  }

  async listSchedules(): Promise<ScheduleInfo[]> {
    return this.schedules.list();
  }

  private countsOf(queue: string): QueueCounts {
    const jobs = this.engine.all().filter((job) => job.queueName === queue);
    const count = (...states: JobState[]) => jobs.filter((job) => states.includes(job.state)).length;
    return {
      waiting: count('waiting'),
      prioritized: 0,
      delayed: count('delayed'),
      active: count('active'),
      completed: count('completed'),
      failed: count('failed', 'timeout', 'cancelled'),
      'waiting-children': count('waiting-children'),
      paused: this.engine.isPaused(queue),
    };
  }
}

/** The event a finished job ended with, for `watch` on a job that has already ended. */
function finalEventOf(job: TestingJob): JobEvent {
  if (job.state === 'completed') return jobEvents.completed(job, job.result, 'cluster');
  if (job.state === 'cancelled' && !job.attemptsMade) return { ...jobEvents.cancelledBeforeStart(job), scope: 'cluster' };
  return jobEvents.ended(job, errorOf(job.error ?? new Error(job.state)), true, 'cluster');
}
