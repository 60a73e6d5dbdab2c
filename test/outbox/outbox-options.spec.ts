import { describe, expect, it } from '@jest/globals';
import { JobsConfigurationError } from '../../lib/index.js';
import { resolveOutboxOptions } from '../../lib/outbox/outbox.options.js';

describe('history.outbox options', () => {
  it('default to a 200 ms poll and batches of 100, and take numbers given as strings', () => {
    expect(resolveOutboxOptions(undefined)).toEqual({ pollInterval: 200, batchSize: 100 });
    expect(resolveOutboxOptions({ pollInterval: ' 50 ' as never, batchSize: '500' as never })).toEqual({
      pollInterval: 50,
      batchSize: 500,
    });
  });

  it.each([
    [{ pollInterval: 0 }, /"history\.outbox\.pollInterval" must be an integer of ms from 1 to 2147483647 .*got 0\./],
    [{ pollInterval: 2 ** 31 }, /"history\.outbox\.pollInterval" must be an integer of ms/],
    [{ pollInterval: '1s' as never }, /"history\.outbox\.pollInterval" must be .*got "1s"\./],
    [{ batchSize: 0 }, /"history\.outbox\.batchSize" must be an integer from 1 to 10000; got 0\./],
    [{ batchSize: 10_001 }, /"history\.outbox\.batchSize" must be an integer from 1 to 10000; got 10001\./],
    [[] as never, /"history\.outbox" must be an object/],
  ])('refuses %j naming the option', (given, message) => {
    expect(() => resolveOutboxOptions(given)).toThrow(JobsConfigurationError);
    expect(() => resolveOutboxOptions(given)).toThrow(message);
  });
});
