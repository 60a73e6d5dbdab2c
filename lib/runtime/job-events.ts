import { UnrecoverableError } from 'bullmq';
import type {
  JobActiveEvent,
  JobCompletedEvent,
  JobEnqueuedEvent,
  JobEventError,
  JobEventScope,
  JobFailedEvent,
  JobLogEvent,
  JobProgressEvent,
  JobRetryingEvent,
  JobStalledEvent,
} from '../interfaces/job-event.interface.js';
import { CANCELLED_REASON, TIMEOUT_REASON } from '../jobs.errors.js';
import type { StoredJobOptions } from '../policy/job-options.policy.js';
import { fromQueueId, fromSchedulerKey } from '../policy/job-ids.js';
import { readyAtOf, startedAtOf } from './job-times.js';

/** What events are built from: a BullMQ `Job`, or a local cron run shaped like one. */
export interface EventSource {
  id?: string;
  name: string;
  queueName: string;
  data: unknown;
  timestamp: number;
  attemptsMade: number;
  opts: Pick<StoredJobOptions, 'attempts' | 'delay' | 'definitionId'>;
  processedOn?: number;
  finishedOn?: number;
  repeatJobKey?: string;
  delay?: number;
}

/** The job an event is about, for events that need no more (progress, log lines). */
export interface EventSubject {
  id: string;
  name: string;
  queue: string;
}

/**
 * Error names that end a job as `timeout` or `cancelled` rather than `failed`; cluster events read them from the stack.
 * A queued job stopped by shutdown goes back to its queue; only a local cron run ends with `ShutdownAbort`.
 */
const END_TYPE_BY_ERROR: Record<string, 'timeout' | 'cancelled'> = {
  JobTimeoutError: 'timeout',
  JobCancelledError: 'cancelled',
  ShutdownAbort: 'cancelled',
};

export const endTypeOf = (errorName: string | undefined): JobFailedEvent['type'] => (errorName && END_TYPE_BY_ERROR[errorName]) || 'failed';

export const errorOf = (err: Error): JobEventError => ({ name: err.name, message: err.message, stack: err.stack });

/**
 * An error as the queue keeps it (a reason, and a stack whose first line is `Name: message`), for events and rows made
 * from the queue rather than in the process that caught it. Our timeout and cancel reasons name their error class.
 */
export function queueErrorOf(reason: string | undefined, stack: string | undefined): JobEventError {
  const match = /^([A-Za-z_$][\w$]*): ?(.*)$/.exec(stack?.split('\n', 1)[0] ?? '');
  const byReason = reason?.startsWith(TIMEOUT_REASON)
    ? 'JobTimeoutError'
    : reason?.startsWith(CANCELLED_REASON)
      ? 'JobCancelledError'
      : undefined;
  return { name: match?.[1] ?? byReason ?? 'Error', message: reason ?? match?.[2] ?? '', ...(stack ? { stack } : {}) };
}

function base(job: EventSource, scope: JobEventScope, timestamp = Date.now()) {
  return {
    jobId: fromQueueId(job.id!),
    name: job.name,
    queue: job.queueName,
    timestamp,
    scope,
    data: job.data,
    enqueuedAt: job.timestamp,
    schedule: job.repeatJobKey ? fromSchedulerKey(job.repeatJobKey) : undefined,
    definitionId: job.opts.definitionId,
  };
}

const maxAttemptsOf = (job: EventSource) => job.opts.attempts ?? 1;

/**
 * The one place lifecycle events are made, so local and cluster events have one shape. `attemptsMade` is BullMQ's
 * count of ended attempts: the running attempt is `attemptsMade + 1`, an ended one `attemptsMade`.
 */
export const jobEvents = {
  enqueued(type: JobEnqueuedEvent['type'], job: EventSource, scope: JobEventScope = 'local'): JobEnqueuedEvent {
    return { type, ...base(job, scope, type === 'enqueued' ? job.timestamp : Date.now()) };
  },

  active(job: EventSource, scope: JobEventScope = 'local'): JobActiveEvent {
    return {
      type: 'active',
      ...base(job, scope),
      attempt: job.attemptsMade + 1,
      maxAttempts: maxAttemptsOf(job),
      readyAt: readyAtOf(job),
      startedAt: startedAtOf(job) ?? Date.now(),
    };
  },

  progress(
    subject: EventSubject,
    progress: number | object,
    attempt: number | undefined,
    scope: JobEventScope = 'local',
  ): JobProgressEvent {
    return {
      type: 'progress',
      jobId: subject.id,
      name: subject.name,
      queue: subject.queue,
      timestamp: Date.now(),
      scope,
      progress,
      attempt,
    };
  },

  log(subject: EventSubject, line: string, attempt: number): JobLogEvent {
    return {
      type: 'log',
      jobId: subject.id,
      name: subject.name,
      queue: subject.queue,
      timestamp: Date.now(),
      scope: 'local',
      log: line,
      attempt,
    };
  },

  completed(job: EventSource, result: unknown, scope: JobEventScope = 'local'): JobCompletedEvent {
    return {
      type: 'completed',
      ...base(job, scope),
      attempt: job.attemptsMade,
      maxAttempts: maxAttemptsOf(job),
      startedAt: startedAtOf(job),
      result,
      finishedAt: job.finishedOn ?? Date.now(),
    };
  },

  /** An attempt that threw: `retrying` while attempts are left and the error allows, else how the job ended. */
  ended(job: EventSource, error: JobEventError, unrecoverable: boolean, scope: JobEventScope = 'local'): JobRetryingEvent | JobFailedEvent {
    const fields = { ...base(job, scope), attempt: job.attemptsMade, maxAttempts: maxAttemptsOf(job), startedAt: startedAtOf(job), error };
    if (!unrecoverable && job.attemptsMade < maxAttemptsOf(job)) return { ...fields, type: 'retrying', retryDelay: job.delay ?? 0 };
    return { ...fields, type: endTypeOf(error.name), finishedAt: job.finishedOn ?? Date.now() };
  },

  /** A worker's error event: BullMQ's `UnrecoverableError` (and ours, which extend it) fail the job at once. */
  thrown(job: EventSource, err: Error): JobRetryingEvent | JobFailedEvent {
    return jobEvents.ended(job, errorOf(err), err instanceof UnrecoverableError);
  },

  /** A job handed back at shutdown runs again elsewhere without spending an attempt: observers see a retry now. */
  returned(job: EventSource, err: Error): JobRetryingEvent {
    return {
      type: 'retrying',
      ...base(job, 'local'),
      attempt: job.attemptsMade + 1,
      maxAttempts: maxAttemptsOf(job),
      startedAt: startedAtOf(job),
      error: { name: err.name, message: err.message },
      retryDelay: 0,
    };
  },

  /**
   * The job was found stalled and put back; `job` is read after that: the stalled attempt is the one it runs again
   * (`attemptsMade + 1`), unless that re-run has already ended.
   */
  stalled(job: EventSource | undefined, subject: { jobId: string; queue: string }, scope: JobEventScope = 'local'): JobStalledEvent {
    if (!job) return { type: 'stalled', jobId: fromQueueId(subject.jobId), name: '', queue: subject.queue, timestamp: Date.now(), scope };
    const rerunEnded = job.finishedOn !== undefined && job.finishedOn >= (job.processedOn ?? 0);
    return {
      type: 'stalled',
      ...base(job, scope),
      attempt: job.attemptsMade + (rerunEnded ? 0 : 1),
      maxAttempts: maxAttemptsOf(job),
      startedAt: startedAtOf(job),
    };
  },

  /** Removed before it ever ran. */
  cancelledBeforeStart(job: EventSource): JobFailedEvent {
    return { type: 'cancelled', ...base(job, 'local'), attempt: 0, maxAttempts: maxAttemptsOf(job), finishedAt: Date.now() };
  },

  /**
   * The end of a job the queue no longer keeps, from what its event stream said: a result, a reason, or a removal before
   * it ran. Attempt counts are unknown (0).
   */
  endedFromStream(
    subject: EventSubject,
    end: { result: unknown } | { reason: string | undefined } | 'removed',
  ): JobCompletedEvent | JobFailedEvent {
    const fields = {
      jobId: fromQueueId(subject.id),
      name: subject.name,
      queue: subject.queue,
      timestamp: Date.now(),
      scope: 'cluster' as const,
      attempt: 0,
      maxAttempts: 0,
      finishedAt: Date.now(),
    };
    if (end === 'removed') return { type: 'cancelled', ...fields };
    if ('result' in end) return { type: 'completed', ...fields, result: end.result };
    const error = queueErrorOf(end.reason, undefined);
    return { type: endTypeOf(error.name), ...fields, error };
  },
};
