import { Injectable } from '@nestjs/common';
import { Job, type FlowJob, type JobType, type Queue } from 'bullmq';
import type { Observable } from 'rxjs';
import { InvalidJobOptionsError, JobNotFoundError, JobStateError } from './jobs.errors.js';
import type { JobEvent } from './interfaces/job-event.interface.js';
import { describeJob } from './discovery/job-type.describer.js';
import { JobRegistry } from './runtime/job.registry.js';
import type { JobAddOptions } from './interfaces/job-options.interface.js';
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
import { JobCancellation } from './runtime/job-cancellation.service.js';
import { JobEventBus } from './runtime/job-event.bus.js';
import { jobEvents } from './runtime/job-events.js';
import { fromQueueId } from './policy/job-ids.js';
import { findJob, readJob } from './runtime/job-lookup.js';
import { JobWatcher } from './runtime/job.watcher.js';
import { stateOf, toJobInfo } from './runtime/job-info.mapper.js';
import { JobEnqueuer } from './runtime/job.enqueuer.js';
import { JobRequestBuilder } from './runtime/job-request.builder.js';
import { QueueRegistry } from './runtime/queue.registry.js';
import { JobSchedules } from './scheduling/job-schedules.service.js';

const STATE_TYPES: Record<NonNullable<JobListQuery['state']>, JobType[]> = {
  waiting: ['wait'],
  prioritized: ['prioritized'],
  delayed: ['delayed'],
  active: ['active'],
  completed: ['completed'],
  failed: ['failed'],
  timeout: ['failed'],
  cancelled: ['failed'],
  'waiting-children': ['waiting-children'],
};
const ALL_TYPES: JobType[] = ['active', 'wait', 'prioritized', 'delayed', 'waiting-children', 'completed', 'failed'];
const REMOVABLE = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/** Enqueue, inspect and control jobs. Injected anywhere once `JobsModule.forRoot` is imported. */
@Injectable()
export class JobService {
  constructor(
    private readonly requests: JobRequestBuilder,
    private readonly enqueuer: JobEnqueuer,
    private readonly queues: QueueRegistry,
    private readonly bus: JobEventBus,
    private readonly cancellation: JobCancellation,
    private readonly schedules: JobSchedules,
    private readonly registry: JobRegistry,
    private readonly watcher: JobWatcher,
  ) {}

  /** Every registered job name, sorted, with its queue, defaults and payload schema. */
  types(): JobTypeInfo[] {
    return this.registry
      .all()
      .map(describeJob)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  type(name: string): JobTypeInfo | undefined {
    const job = this.registry.get(name);
    return job && describeJob(job);
  }

  /** Validates and enqueues one job. Typed by name once `JobHandlers` is augmented. */
  async add<N extends JobName>(name: N, data: JobData<N>, options?: JobAddOptions): Promise<JobHandle> {
    return this.enqueuer.add(await this.requests.build(name, data, options));
  }

  /** Validates every item before any is enqueued, then adds them per queue in one round trip each. */
  async addBulk(items: JobRequestItem[]): Promise<JobHandle[]> {
    const requests = await Promise.all(items.map((i) => this.requests.build(i.name, i.data, i.options)));
    return this.enqueuer.addBulk(requests);
  }

  /** Adds a tree of jobs: each parent runs once all of its children have completed. */
  async flow(root: JobFlowNode): Promise<JobFlowHandle> {
    const tree = await this.toFlowJob(root);
    const node = await this.queues.flowProducer().add(tree);
    const toHandle = (n: typeof node): JobFlowHandle => {
      this.enqueuer.publish('enqueued', n.job);
      return { id: fromQueueId(n.job.id!), name: n.job.name, queue: n.job.queueName, children: (n.children ?? []).map(toHandle) };
    };
    return toHandle(node);
  }

  /** Runs jobs one after another, each once the previous has completed; a failed step fails the rest. */
  async chain(steps: JobRequestItem[]): Promise<JobHandle[]> {
    if (!steps.length) throw new InvalidJobOptionsError('steps', 'must list at least one job.');
    const nested = steps.reduce<JobFlowNode | undefined>((child, step) => ({ ...step, children: child ? [child] : undefined }), undefined)!;
    const handles: JobHandle[] = [];
    for (let node: JobFlowHandle | undefined = await this.flow(nested); node; node = node.children[0]) {
      handles.unshift({ id: node.id, name: node.name, queue: node.queue });
    }
    return handles;
  }

  async get(id: string, queue?: string): Promise<JobInfo | null> {
    const read = await readJob(this.queues, id, queue);
    return read ? toJobInfo(read.job, read.state) : null;
  }

  /** Newest first. Without `queue`, lists across all queues. */
  async list(query: JobListQuery = {}): Promise<JobInfo[]> {
    const { limit = 50, offset = 0, state, name } = query;
    const types = state ? STATE_TYPES[state] : ALL_TYPES;
    const queues = query.queue ? [this.queues.get(query.queue)] : this.queues.names().map((q) => this.queues.get(q));
    const perQueue = await Promise.all(queues.map((q) => q.getJobs(types, 0, offset + limit - 1, false)));
    const jobs = (perQueue.flat() as Job[]).filter((j) => j && (!name || j.name === name));
    const infos = await Promise.all(jobs.map(async (j) => toJobInfo(j, await j.getState())));
    return infos
      .filter((info) => !state || info.state === state || (state === 'failed' && info.state !== 'completed'))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(offset, offset + limit);
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
  async cancel(id: string, queue?: string): Promise<CancelResult> {
    const job = await this.require(id, queue);
    const state = stateOf(job, await job.getState());
    if (REMOVABLE.has(state)) {
      try {
        await job.remove();
        this.bus.publish(jobEvents.cancelledBeforeStart(job));
        return { id, state: 'cancelled' };
      } catch (err) {
        // It may have started between the two calls; then it is cancelled as an active job.
        if ((await job.getState()) !== 'active') throw err;
      }
    } else if (state !== 'active') {
      throw new JobStateError(id, state, 'cancel');
    }
    await this.cancellation.request(job.queueName, job.id!);
    return { id, state: 'cancelling' };
  }

  /** Runs a failed, timed-out or cancelled job again with a fresh set of attempts. */
  async retry(id: string, queue?: string): Promise<void> {
    const job = await this.require(id, queue);
    const state = await job.getState();
    if (state !== 'failed') throw new JobStateError(id, state, 'retry');
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }

  pause(queue: string): Promise<void> {
    return this.queues.get(queue).pause();
  }

  resume(queue: string): Promise<void> {
    return this.queues.get(queue).resume();
  }

  /** Removes waiting jobs (and delayed ones when asked); active jobs run on. */
  drain(queue: string, options: { delayed?: boolean } = {}): Promise<void> {
    return this.queues.get(queue).drain(options.delayed ?? false);
  }

  /** Removes finished jobs older than `grace` ms; returns their ids. */
  clean(queue: string, options: CleanOptions = {}): Promise<string[]> {
    const { grace = 0, status = 'completed', limit = 0 } = options;
    if (!(Number.isInteger(grace) && grace >= 0)) throw new InvalidJobOptionsError('grace', 'must be a non-negative integer (ms).');
    if (!(Number.isInteger(limit) && limit >= 0)) throw new InvalidJobOptionsError('limit', 'must be a non-negative integer.');
    return this.queues.get(queue).clean(grace, limit, status);
  }

  async counts(queue: string): Promise<QueueCounts>;
  async counts(): Promise<Record<string, QueueCounts>>;
  async counts(queue?: string): Promise<QueueCounts | Record<string, QueueCounts>> {
    if (queue) return this.countsOf(this.queues.get(queue));
    const names = this.queues.names();
    const all = await Promise.all(names.map((n) => this.countsOf(this.queues.get(n))));
    return Object.fromEntries(names.map((n, i) => [n, all[i]]));
  }

  queueNames(): string[] {
    return this.queues.names();
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

  private async countsOf(queue: Queue): Promise<QueueCounts> {
    const [counts, paused] = await Promise.all([
      queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'waiting-children'),
      queue.isPaused(),
    ]);
    return {
      waiting: counts.wait ?? 0,
      prioritized: counts.prioritized ?? 0,
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      'waiting-children': counts['waiting-children'] ?? 0,
      paused,
    };
  }

  /** A child that fails for good fails its parent, rather than leaving it waiting for ever. */
  private async toFlowJob(node: JobFlowNode, isChild = false): Promise<FlowJob> {
    const request = await this.requests.build(node.name, node.data, node.options);
    const children = node.children?.length ? await Promise.all(node.children.map((c) => this.toFlowJob(c, true))) : undefined;
    const opts = isChild ? { ...request.opts, failParentOnFailure: true } : request.opts;
    return { name: node.name, queueName: request.job.queue, data: request.data, opts, children };
  }

  private find(id: string, queue?: string): Promise<Job | undefined> {
    return findJob(this.queues, id, queue);
  }

  private async require(id: string, queue?: string): Promise<Job> {
    const job = await this.find(id, queue);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }
}
