import { describe, expect, it } from '@jest/globals';
import { fromQueueId, fromSchedulerKey, queueIdsOf, toQueueId } from '../../lib/policy/job-ids.js';

describe('job ids', () => {
  it.each(['welcome:42', '42', '-1', '-42', 'order:9:refund', '~', '~.', '~~:', ':', 'über:😀 ~.~ :', '~x', 'a'.repeat(255), '0', '007'])(
    'maps %j to an id BullMQ takes and back',
    (key) => {
      const id = toQueueId(key);
      expect(id).not.toContain(':');
      expect(/^\d+$/.test(id) || String(parseInt(id, 10)) === id).toBe(false);
      expect(fromQueueId(id)).toBe(key);
    },
  );

  it('keeps ids BullMQ takes as they are, generated UUIDs included', () => {
    for (const key of ['welcome-42', '3f2a1c9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b', 'a42', '4.2']) expect(toQueueId(key)).toBe(key);
  });

  it('gives distinct keys distinct ids', () => {
    const keys = ['a:b', 'a~.b', '~a:b', 'a~b', 'a~~b', '1', '~1'];
    expect(new Set(keys.map(toQueueId)).size).toBe(keys.length);
  });

  it('reads ids BullMQ made itself as they are, and looks a key up both ways', () => {
    expect(fromQueueId('repeat:cron/x:1700000000000')).toBe('repeat:cron/x:1700000000000');
    expect(queueIdsOf('repeat:cron/x:1')).toEqual(['~repeat~.cron/x~.1', 'repeat:cron/x:1']);
    expect(queueIdsOf('plain')).toEqual(['plain']);
  });

  it("shows a scheduler key with the user's part of it", () => {
    expect(fromSchedulerKey(`schedule/${toQueueId('nightly:eu')}`)).toBe('schedule/nightly:eu');
    expect(fromSchedulerKey('cron/report')).toBe('cron/report');
  });
});
