import { describe, expect, it } from '@jest/globals';
import { cronProblem, nextCronRun, nextCronRuns, type CronWindow } from '../../lib/scheduling/cron-expression.js';

const iso = (dates: Array<Date | undefined>) => dates.map((d) => d?.toISOString());

/** Run times as the local runner arms them: each counted from the one before, with `nextCronRun`. */
function localRuns(expression: string, from: string, count: number, window: CronWindow = {}): Array<string | undefined> {
  const runs: Array<Date | undefined> = [];
  let after: Date | undefined = new Date(from);
  for (let i = 0; i < count && after; i++) runs.push((after = nextCronRun(expression, after, window)));
  return iso(runs);
}

describe('cron expressions', () => {
  it.each(['*/5 * * * *', '*/10 * * * * *', '@hourly', '@daily', '@weekly', '@monthly', '0 9 * * 1-5', '0 0 * * THU', '0 0 1 JAN,JUL *'])(
    'accepts %s',
    (expression) => {
      expect(cronProblem(expression)).toBeUndefined();
    },
  );

  it.each([
    ['nope', 'expected 5 or 6 fields, got 1'],
    ['* * * *', 'expected 5 or 6 fields, got 4'],
    ['61 * * * *', 'got value 61 expected range 0-59'],
    ['', 'expected a cron expression'],
    ['0 0 30 2 *', 'Invalid explicit day of month definition'],
  ])('refuses %j: %s', (expression, problem) => {
    expect(cronProblem(expression)).toContain(problem);
  });

  it('refuses an unknown time zone', () => {
    expect(cronProblem('0 * * * *', 'Mars/Olympus')).toBe('unknown time zone "Mars/Olympus"');
  });

  it.each(['0 0 15W * *', '0 0 LW * *'])(
    'refuses W (nearest weekday) in %s, which the parser BullMQ runs schedules with cannot read',
    (expression) => {
      expect(cronProblem(expression)).toBe(`Invalid characters, got value: ${expression.split(' ')[2]}`);
    },
  );

  it.each(['H * * * *', '0 H * * *', 'H/15 * * * *', '0 0 * * H'])(
    'refuses the hashed value in %s, which would pick another time at every run',
    (expression) => {
      expect(cronProblem(expression)).toBe('hashed values (H) are not supported: each run would pick another time');
    },
  );

  it.each([
    [
      'L: the last day of each month',
      '0 0 L * *',
      ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z'],
    ],
    ['L in February, leap year or not', '0 0 L 2 *', ['2026-02-28T00:00:00.000Z', '2027-02-28T00:00:00.000Z', '2028-02-29T00:00:00.000Z']],
    [
      'a list with L: the first and the last day',
      '0 0 1,L * *',
      ['2026-01-31T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
    ],
    [
      '5L: the last Friday of each month',
      '0 18 * * 5L',
      ['2026-01-30T18:00:00.000Z', '2026-02-27T18:00:00.000Z', '2026-03-27T18:00:00.000Z'],
    ],
    [
      '#: the second Monday of each month',
      '0 9 * * 1#2',
      ['2026-02-09T09:00:00.000Z', '2026-03-09T09:00:00.000Z', '2026-04-13T09:00:00.000Z'],
    ],
    ['?: any day of month, Mondays', '0 0 ? * MON', ['2026-01-19T00:00:00.000Z', '2026-01-26T00:00:00.000Z', '2026-02-02T00:00:00.000Z']],
    ['a seconds field', '15,45 * * * * *', ['2026-01-15T12:00:15.000Z', '2026-01-15T12:00:45.000Z', '2026-01-15T12:01:15.000Z']],
    [
      'ranges and steps',
      '0 0-30/15 9-10 * * 1-5',
      ['2026-01-16T09:00:00.000Z', '2026-01-16T09:15:00.000Z', '2026-01-16T09:30:00.000Z', '2026-01-16T10:00:00.000Z'],
    ],
  ])('accepts and runs %s', (_what, expression, expected) => {
    const from = '2026-01-15T12:00:00Z';
    expect(cronProblem(expression)).toBeUndefined();
    expect(localRuns(expression, from, expected.length)).toEqual(expected);
    expect(iso(nextCronRuns(expression, { from: new Date(from), count: expected.length }))).toEqual(expected);
  });

  it('counts the next run strictly after its start, whole seconds only', () => {
    expect(localRuns('* * * * * *', '2026-01-01T00:00:00.000Z', 2)).toEqual(['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z']);
    expect(localRuns('* * * * * *', '2026-01-01T00:00:00.700Z', 2)).toEqual(['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z']);
  });

  it('runs nothing before startDate nor after endDate (a run at endDate included), as BullMQ counts a scheduler', () => {
    const window = { startDate: new Date('2026-03-01T00:00:00Z'), endDate: new Date('2026-05-31T00:00:00Z') };
    expect(localRuns('0 0 L * *', '2026-01-15T00:00:00Z', 5, window)).toEqual([
      '2026-03-31T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
      undefined,
    ]);
  });

  it('runs an hourly schedule on both 01:00s when New York falls back', () => {
    const runs = nextCronRuns('0 * * * *', { timeZone: 'America/New_York', from: new Date('2026-11-01T03:30:00Z'), count: 4 });
    // 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST: one hour apart in real time.
    expect(iso(runs)).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
    ]);
  });

  it('runs a daily 01:30 once on the day New York falls back', () => {
    const runs = nextCronRuns('30 1 * * *', { timeZone: 'America/New_York', from: new Date('2026-10-31T12:00:00Z'), count: 3 });
    expect(iso(runs)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z', '2026-11-03T06:30:00.000Z']);
  });

  describe('in Europe/Berlin, as local runs are armed', () => {
    const berlin = { timeZone: 'Europe/Berlin' };

    it('moves a daily 02:30 to 03:30 on the day the clocks spring forward, when 02:30 does not exist', () => {
      // 02:30 CET is 01:30Z; on 29 March the clock jumps from 02:00 to 03:00, so the run is at 03:30 CEST (01:30Z).
      expect(localRuns('30 2 * * *', '2026-03-27T12:00:00Z', 3, berlin)).toEqual([
        '2026-03-28T01:30:00.000Z',
        '2026-03-29T01:30:00.000Z',
        '2026-03-30T00:30:00.000Z',
      ]);
    });

    it('skips the hour that does not exist when the clocks spring forward, one hour apart in real time', () => {
      // 01:00 CET, then 03:00 and 04:00 CEST.
      expect(localRuns('0 * * * *', '2026-03-28T23:30:00Z', 3, berlin)).toEqual([
        '2026-03-29T00:00:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T02:00:00.000Z',
      ]);
    });

    it('runs an hourly schedule on both 02:00s when the clocks fall back', () => {
      // 02:00 CEST, 02:00 CET, 03:00 CET.
      expect(localRuns('0 * * * *', '2026-10-24T23:30:00Z', 3, berlin)).toEqual([
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T01:00:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ]);
    });

    it('runs a daily 02:30 once on the day the clocks fall back', () => {
      // 02:30 CEST (00:30Z), not again at 02:30 CET; then 02:30 CET (01:30Z).
      expect(localRuns('30 2 * * *', '2026-10-24T12:00:00Z', 3, berlin)).toEqual([
        '2026-10-25T00:30:00.000Z',
        '2026-10-26T01:30:00.000Z',
        '2026-10-27T01:30:00.000Z',
      ]);
    });
  });
});
