import { MAX_INT32 } from './jobs.constants.js';
import { JobsConfigurationError } from './jobs.errors.js';

const DIGITS = /^\d+$/;

/**
 * Options read from `process.env` or `ConfigService` arrive as strings. One of decimal digits (surrounding whitespace
 * ignored) that is a safe integer becomes that number; anything else ('4.5', '4 jobs', '', '0x10', '1e3', '-1', '+4')
 * is returned unchanged, for the caller's check to refuse naming the option and the value received.
 */
export function integerOption<T>(value: T): T | number {
  if (typeof value !== 'string') return value;
  const digits = value.trim();
  if (!DIGITS.test(digits)) return value;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : value;
}

export const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/** A job's attempts: a positive integer the databases' `int` columns (BullMQ's on PostgreSQL, history's) can hold. */
export const isAttempts = (v: unknown): v is number => isPositiveInt(v) && v <= MAX_INT32;
export const ATTEMPTS_RULE = `a positive integer of at most ${MAX_INT32}`;

/**
 * Stops start-up naming the option at fault by its path in `forRoot` (`history.batchSize`, `builtins.ssh.hosts.a.port`),
 * what it expected and what it got, as `show` writes it.
 */
export function badOption(
  option: string,
  expected: string,
  got: unknown,
  show: (got: unknown) => string = (v) => JSON.stringify(v),
): never {
  throw new JobsConfigurationError(`JobsModule option "${option}" must be ${expected}; got ${show(got)}.`);
}

/**
 * Every duration the module takes (timeouts, delays, intervals, retry delays, grace periods) is an integer of ms no
 * longer than a Node timer can wait: a longer `setTimeout` fires after 1 ms, and 2^31−1 is also the databases' `int`.
 */
export const isDuration = (v: unknown, min = 1): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= MAX_INT32;

/** What `isDuration` asks for, in the words every message about a duration uses. */
export const durationRule = (min = 1) => `an integer of ms from ${min} to ${MAX_INT32} (about 24.8 days, the longest a timer waits)`;
