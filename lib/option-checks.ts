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
