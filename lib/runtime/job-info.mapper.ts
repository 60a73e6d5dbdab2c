import type { Job, JobState as BullJobState } from 'bullmq';
import { CANCELLED_REASON, TIMEOUT_REASON } from '../jobs.errors.js';
import type { JobInfo, JobState } from '../interfaces/job-info.interface.js';
import { fromQueueId } from '../policy/job-ids.js';
import { startedAtOf } from './job-times.js';

const date = (ms: number | undefined) => (ms ? new Date(ms) : undefined);

/** A failed job whose reason is one of ours reads back as the outcome it was. */
export function stateOf(job: Job, state: BullJobState | 'unknown'): JobState {
  if (state === 'failed' && job.failedReason?.startsWith(CANCELLED_REASON)) return 'cancelled';
  if (state === 'failed' && job.failedReason?.startsWith(TIMEOUT_REASON)) return 'timeout';
  return state === 'waiting-children' || state === 'unknown' ? state : state;
}

export function toJobInfo(job: Job, state: BullJobState | 'unknown'): JobInfo {
  return {
    id: fromQueueId(job.id!),
    name: job.name,
    queue: job.queueName,
    state: stateOf(job, state),
    data: job.data,
    progress: typeof job.progress === 'object' || typeof job.progress === 'number' ? job.progress : 0,
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    priority: job.priority,
    result: job.returnvalue ?? undefined,
    failedReason: job.failedReason || undefined,
    stacktrace: job.stacktrace?.length ? job.stacktrace : undefined,
    createdAt: new Date(job.timestamp),
    startedAt: date(startedAtOf(job)),
    finishedAt: date(job.finishedOn),
    runAt: job.delay ? new Date(job.timestamp + job.delay) : undefined,
  };
}
