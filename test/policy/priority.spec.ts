import { describe, expect, it } from '@jest/globals';
import { toBullPriority } from '../../lib/policy/priority.js';
import { InvalidJobOptionsError } from '../../lib/jobs.errors.js';
import type { JobPriority } from '../../lib/interfaces/job-options.interface.js';

describe('toBullPriority', () => {
  it('gives an unset priority "normal" (100)', () => {
    expect(toBullPriority(undefined)).toBe(100);
  });

  it.each([
    ['critical', 1],
    ['high', 10],
    ['normal', 100],
    ['low', 1000],
  ] as const)('maps "%s" to %i', (name, level) => {
    expect(toBullPriority(name)).toBe(level);
  });

  it('orders the names critical < high < normal < low', () => {
    const levels = (['critical', 'high', 'normal', 'low'] as const).map(toBullPriority);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    expect(new Set(levels).size).toBe(4);
  });

  it.each([1, 2097151])('accepts the integer %i as is', (n) => {
    expect(toBullPriority(n)).toBe(n);
  });

  it.each([0, -1, 1.5, 2097152, 'urgent', 'constructor', 'toString', '__proto__'])(
    'rejects %p with an InvalidJobOptionsError on "priority"',
    (priority) => {
      let error: unknown;
      try {
        toBullPriority(priority as JobPriority);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(InvalidJobOptionsError);
      expect(error).toMatchObject({ option: 'priority', code: 'JOB_OPTIONS_INVALID' });
    },
  );
});
