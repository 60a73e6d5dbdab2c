import { randomUUID } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { isStorableDate, STORABLE_DATE_RULE } from './dates.js';
import { InvalidJobOptionsError, InvalidRunAtError } from '../jobs.errors.js';
import { toQueueId } from './job-ids.js';
import { ATTEMPTS_RULE, durationRule, isAttempts, isDuration } from '../option-checks.js';
import type { JobAddOptions, JobBackoff, KeepJobs } from '../interfaces/job-options.interface.js';
import type { JobProcessorOptions } from '../interfaces/job-processor-options.interface.js';
import { normalizeBackoff, toBullBackoff } from './backoff.js';
import { toBullPriority } from './priority.js';

/** The module-wide defaults every job starts from, once `forRoot`'s `defaultJobOptions` are merged over these. */
export interface JobDefaults {
  attempts: number;
  backoff: JobBackoff;
  timeout?: number;
  removeOnComplete: KeepJobs;
  removeOnFail: KeepJobs;
}

export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 } as JobBackoff,
  removeOnComplete: 100,
  removeOnFail: 50,
};

/**
 * BullMQ keeps unknown option keys with the job, so the per-job timeout travels with it, and so do the token that
 * tells whether an add under a caller's job id created the job or found it there, and the definition it came from.
 */
export type StoredJobOptions = JobsOptions & { timeout?: number; addToken?: string; definitionId?: string };

/** Module defaults overlaid with a processor's options, as BullMQ options; computed once per job name. */
export function baseJobOptions(
  processor: JobProcessorOptions,
  defaults: JobDefaults,
  fail: (option: string, detail: string) => never,
): StoredJobOptions {
  const attempts = processor.attempts ?? defaults.attempts;
  if (!isAttempts(attempts)) fail('attempts', `must be ${ATTEMPTS_RULE}; got ${JSON.stringify(attempts)}.`);
  const timeout = processor.timeout ?? defaults.timeout;
  if (timeout !== undefined && !isDuration(timeout)) fail('timeout', `must be ${durationRule()}; got ${JSON.stringify(timeout)}.`);
  let backoff = defaults.backoff;
  let priority = 0;
  try {
    if (processor.backoff !== undefined) backoff = normalizeBackoff(processor.backoff, 'backoff', true);
    priority = toBullPriority(processor.priority);
  } catch (err) {
    if (!(err instanceof InvalidJobOptionsError)) throw err;
    fail(err.option, err.detail);
  }
  return {
    attempts,
    backoff: toBullBackoff(backoff),
    priority,
    timeout,
    removeOnComplete: defaults.removeOnComplete,
    removeOnFail: defaults.removeOnFail,
  };
}

/** `add`'s options over a job's base options, as BullMQ stores them; anything malformed is refused naming the option. */
export function storedJobOptions(base: StoredJobOptions, o: JobAddOptions): StoredJobOptions {
  // Any key a user has (`welcome:42`, `42`, Unicode); NUL is refused because PostgreSQL history cannot store it.
  if (o.jobId !== undefined && (typeof o.jobId !== 'string' || !o.jobId || o.jobId.length > 255 || o.jobId.includes('\u0000'))) {
    throw new InvalidJobOptionsError('jobId', `must be a string of 1 to 255 characters without NUL; got ${JSON.stringify(o.jobId)}.`);
  }
  const opts: StoredJobOptions = { ...base, jobId: o.jobId === undefined ? randomUUID() : toQueueId(o.jobId) };
  if (o.jobId !== undefined) opts.addToken = randomUUID();
  if (o.priority !== undefined) opts.priority = toBullPriority(o.priority);
  if (o.delay !== undefined && o.runAt !== undefined) throw new InvalidRunAtError('cannot be combined with "delay".');
  if (o.delay !== undefined) {
    // A duration like any other; a later start is a date: `runAt`.
    if (!isDuration(o.delay, 0))
      throw new InvalidJobOptionsError('delay', `must be ${durationRule(0)}; for a later start use runAt; got ${JSON.stringify(o.delay)}.`);
    opts.delay = o.delay;
  }
  if (o.runAt !== undefined) {
    const at = o.runAt instanceof Date ? o.runAt.getTime() : NaN;
    if (Number.isNaN(at)) throw new InvalidRunAtError(`must be a valid Date; got ${JSON.stringify(o.runAt)}.`);
    const delay = at - Date.now();
    if (delay <= 0) throw new InvalidRunAtError(`must be in the future; got ${o.runAt.toISOString()}.`);
    if (!isStorableDate(o.runAt)) throw new InvalidRunAtError(`must be a date ${STORABLE_DATE_RULE}; got ${o.runAt.toISOString()}.`);
    opts.delay = delay;
  }
  if (o.attempts !== undefined) {
    if (!isAttempts(o.attempts))
      throw new InvalidJobOptionsError('attempts', `must be ${ATTEMPTS_RULE}; got ${JSON.stringify(o.attempts)}.`);
    opts.attempts = o.attempts;
  }
  if (o.timeout !== undefined) {
    if (!isDuration(o.timeout)) throw new InvalidJobOptionsError('timeout', `must be ${durationRule()}; got ${JSON.stringify(o.timeout)}.`);
    opts.timeout = o.timeout;
  }
  if (o.backoff !== undefined) opts.backoff = toBullBackoff(normalizeBackoff(o.backoff, 'backoff', true));
  if (o.deduplication !== undefined) {
    const { id, ttl } = o.deduplication;
    if (typeof id !== 'string' || !id) throw new InvalidJobOptionsError('deduplication.id', 'must be a non-empty string.');
    if (ttl !== undefined && !isDuration(ttl)) throw new InvalidJobOptionsError('deduplication.ttl', `must be ${durationRule()}.`);
    opts.deduplication = ttl === undefined ? { id } : { id, ttl };
  }
  if (o.removeOnComplete !== undefined) opts.removeOnComplete = o.removeOnComplete;
  if (o.removeOnFail !== undefined) opts.removeOnFail = o.removeOnFail;
  return opts;
}
