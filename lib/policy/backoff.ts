import type { BackoffOptions } from 'bullmq';
import { BACKOFF_TYPE_PREFIX, MAX_INT32 } from '../jobs.constants.js';
import { durationRule, isDuration } from '../option-checks.js';
import { InvalidJobOptionsError, JobsConfigurationError, RetryJobError } from '../jobs.errors.js';
import type { BackoffType, JobBackoff } from '../interfaces/job-options.interface.js';

export const BACKOFF_TYPES: readonly BackoffType[] = ['fixed', 'exponential', 'linear'];
const TYPES = BACKOFF_TYPES;

/** A number is a fixed delay; anything else must name a known type with a non-negative delay. */
export function normalizeBackoff(backoff: JobBackoff | number, option: string, atEnqueue = false): JobBackoff {
  const value = typeof backoff === 'number' ? { type: 'fixed' as const, delay: backoff } : backoff;
  const problem =
    !value || !TYPES.includes(value.type)
      ? `must have type ${TYPES.join(' | ')}`
      : !isDuration(value.delay, 0)
        ? `must have a delay of ${durationRule(0)}`
        : value.jitter !== undefined && !(value.jitter >= 0 && value.jitter <= 1)
          ? 'must have a jitter between 0 and 1'
          : undefined;
  if (!problem) return value;
  if (atEnqueue) throw new InvalidJobOptionsError(option, `${problem}; got ${JSON.stringify(backoff)}.`);
  throw new JobsConfigurationError(`Option "${option}" ${problem}; got ${JSON.stringify(backoff)}.`);
}

/** Stored under our own type name so BullMQ calls `computeBackoff` for every retry, including a handler's `retryAfter`. */
export function toBullBackoff(backoff: JobBackoff): BackoffOptions {
  return { type: BACKOFF_TYPE_PREFIX + backoff.type, delay: backoff.delay, jitter: backoff.jitter };
}

export function backoffDelay(type: BackoffType, delay: number, attemptsMade: number, jitter = 0, random = Math.random): number {
  const base = type === 'exponential' ? delay * 2 ** (attemptsMade - 1) : type === 'linear' ? delay * attemptsMade : delay;
  // An exponential backoff doubles without end; a retry never waits longer than any other duration may.
  return Math.min(Math.round(jitter > 0 ? base * (1 - jitter * random()) : base), MAX_INT32);
}

/** BullMQ's custom backoff strategy hook: `attemptsMade` counts the attempt that just failed. */
export function computeBackoff(attemptsMade: number, type?: string, err?: Error, job?: { opts: { backoff?: unknown } }): number {
  if (err instanceof RetryJobError) return err.retryAfter;
  const stored = job?.opts.backoff as BackoffOptions | undefined;
  const ours = (type ?? '').slice(BACKOFF_TYPE_PREFIX.length) as BackoffType;
  return backoffDelay(TYPES.includes(ours) ? ours : 'fixed', stored?.delay ?? 0, attemptsMade, stored?.jitter);
}
