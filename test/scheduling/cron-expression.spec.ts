import { describe, expect, it } from '@jest/globals';
import { cronProblem, nextCronRuns } from '../../lib/scheduling/cron-expression.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('cron expressions', () => {
  it.each(['*/5 * * * *', '*/10 * * * * *', '@hourly', '@daily', '@weekly', '@monthly', '0 9 * * 1-5'])('accepts %s', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['nope', 'expected 5 or 6 fields, got 1'],
    ['* * * *', 'expected 5 or 6 fields, got 4'],
    ['61 * * * *', 'got value 61 expected range 0-59'],
    ['', 'expected a cron expression'],
  ])('refuses %j: %s', (expression, problem) => {
    expect(cronProblem(expression)).toContain(problem);
  });

  it('refuses an unknown time zone', () => {
    expect(cronProblem('0 * * * *', 'Mars/Olympus')).toBe('unknown time zone "Mars/Olympus"');
  });

  it('runs an hourly schedule on both 01:00s when New York falls back', () => {
    const runs = nextCronRuns('0 * * * *', { timeZone: 'America/New_York', from: new Date('2026-11-01T03:30:00Z'), count: 4 });
    // 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST: one hour apart in real time.
    expect(iso(runs)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z']);
  });

  it('runs a daily 01:30 once on the day New York falls back', () => {
    const runs = nextCronRuns('30 1 * * *', { timeZone: 'America/New_York', from: new Date('2026-10-31T12:00:00Z'), count: 3 });
    expect(iso(runs)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z', '2026-11-03T06:30:00.000Z']);
  });

  it('moves a daily 02:30 to 03:30 on the day Berlin springs forward, when 02:30 does not exist', () => {
    const runs = nextCronRuns('30 2 * * *', { timeZone: 'Europe/Berlin', from: new Date('2026-03-27T12:00:00Z'), count: 3 });
    // 02:30 CET is 01:30Z; on 29 March the clock jumps from 02:00 to 03:00, so the run is at 03:30 CEST (01:30Z).
    expect(iso(runs)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  });
});
