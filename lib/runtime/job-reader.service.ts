import { Injectable } from '@nestjs/common';
import type { Job, JobType, Queue } from 'bullmq';
import type { JobInfo, QueueCounts } from '../interfaces/job-info.interface.js';
import type { JobListQuery } from '../interfaces/job-flow.interface.js';
import { listQuery } from '../policy/list-query.js';
import { toJobInfo } from './job-info.mapper.js';
import { readJob } from './job-lookup.js';
import { QueueRegistry } from './queue.registry.js';

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
/** `JobService`'s reads: one job, lists across queues, and queue counts. */
@Injectable()
export class JobReader {
  constructor(private readonly queues: QueueRegistry) {}

  async get(id: string, queue?: string): Promise<JobInfo | null> {
    const read = await readJob(this.queues, id, queue);
    return read ? toJobInfo(read.job, read.state) : null;
  }

  /** Newest first. Without `queue`, lists across all queues. */
  async list(query: JobListQuery = {}): Promise<JobInfo[]> {
    const { limit, offset, state, name } = listQuery(query);
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
}
