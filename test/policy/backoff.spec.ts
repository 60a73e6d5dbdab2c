import { describe, expect, it } from '@jest/globals';
import { backoffDelay, computeBackoff, normalizeBackoff, toBullBackoff } from '../../lib/policy/backoff.js';
import { InvalidJobOptionsError, JobsConfigurationError, RetryJobError } from '../../lib/jobs.errors.js';
import type { JobBackoff } from '../../lib/interfaces/job-options.interface.js';

const badBackoffs: [string, unknown][] = [
  ['an unknown type', { type: 'weird', delay: 100 }],
  ['a negative delay', { type: 'fixed', delay: -1 }],
  ['a jitter below 0', { type: 'fixed', delay: 100, jitter: -0.1 }],
  ['a jitter above 1', { type: 'fixed', delay: 100, jitter: 1.5 }],
];

describe('normalizeBackoff', () => {
  it('turns a number into a fixed delay', () => {
    expect(normalizeBackoff(500, 'backoff')).toEqual({ type: 'fixed', delay: 500 });
  });

  it('returns a valid backoff unchanged', () => {
    const backoff: JobBackoff = { type: 'linear', delay: 100, jitter: 0.5 };
    expect(normalizeBackoff(backoff, 'backoff')).toEqual(backoff);
  });

  it('accepts jitter at both ends of 0..1', () => {
    expect(normalizeBackoff({ type: 'fixed', delay: 1, jitter: 0 }, 'backoff').jitter).toBe(0);
    expect(normalizeBackoff({ type: 'fixed', delay: 1, jitter: 1 }, 'backoff').jitter).toBe(1);
  });

  it.each(badBackoffs)('rejects %s at start-up with a JobsConfigurationError naming the option', (_, backoff) => {
    const call = () => normalizeBackoff(backoff as JobBackoff, 'defaultJobOptions.backoff');
    expect(call).toThrow(JobsConfigurationError);
    expect(call).toThrow('"defaultJobOptions.backoff"');
  });

  it.each(badBackoffs)('rejects %s at enqueue with an InvalidJobOptionsError naming the option', (_, backoff) => {
    let error: unknown;
    try {
      normalizeBackoff(backoff as JobBackoff, 'backoff', true);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidJobOptionsError);
    expect((error as InvalidJobOptionsError).option).toBe('backoff');
    expect((error as Error).message).toContain('"backoff"');
  });
});

describe('toBullBackoff', () => {
  it('prefixes the type with "jobs." so BullMQ calls our strategy', () => {
    expect(toBullBackoff({ type: 'exponential', delay: 2000, jitter: 0.2 })).toEqual({
      type: 'jobs.exponential',
      delay: 2000,
      jitter: 0.2,
    });
  });
});

describe('backoffDelay', () => {
  it.each([
    ['fixed', [100, 100, 100, 100]],
    ['exponential', [100, 200, 400, 800]],
    ['linear', [100, 200, 300, 400]],
  ] as const)('%s over attempts 1..4', (type, expected) => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(type, 100, attempt))).toEqual(expected);
  });

  it('with jitter and random() = 0 keeps the full delay', () => {
    expect(backoffDelay('fixed', 1000, 1, 0.5, () => 0)).toBe(1000);
  });

  it('with jitter and random() = 1 takes off the whole jitter share', () => {
    expect(backoffDelay('fixed', 1000, 1, 0.5, () => 1)).toBe(500);
  });

  it('with jitter and random() = 0.5 lands half-way', () => {
    expect(backoffDelay('exponential', 1000, 2, 0.5, () => 0.5)).toBe(1500);
  });

  it('ignores random() when there is no jitter', () => {
    expect(backoffDelay('fixed', 1000, 1, 0, () => 1)).toBe(1000);
  });
});

describe('computeBackoff', () => {
  const job = { opts: { backoff: { type: 'jobs.exponential', delay: 100 } } };

  it("uses a RetryJobError's retryAfter over the stored backoff", () => {
    expect(computeBackoff(3, 'jobs.exponential', new RetryJobError('busy', 700), job)).toBe(700);
  });

  it('grows "jobs.exponential" from the stored delay: 100, 200, 400', () => {
    expect([1, 2, 3].map((attempt) => computeBackoff(attempt, 'jobs.exponential', new Error('x'), job))).toEqual([100, 200, 400]);
  });

  it('falls back to a fixed delay for an unknown type', () => {
    expect([1, 2, 3].map((attempt) => computeBackoff(attempt, 'jobs.weird', new Error('x'), job))).toEqual([100, 100, 100]);
  });
});
