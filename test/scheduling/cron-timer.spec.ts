import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { nextCronRun } from '../../lib/scheduling/cron-expression.js';
import { CronTimer, MAX_TIMER_DELAY } from '../../lib/scheduling/cron-timer.js';

const DAY = 24 * 3_600_000;

/** A timer over `nextCronRun`, as the local runner makes one, recording each tick's scheduled time and when it fired. */
function cronTimer(expression: string, timeZone?: string, onTick?: (at: Date) => void) {
  const ticks: Array<{ at: string; firedAt: string }> = [];
  const timer = new CronTimer(
    (from) => nextCronRun(expression, from, { timeZone }),
    (at) => {
      ticks.push({ at: at.toISOString(), firedAt: new Date().toISOString() });
      onTick?.(at);
    },
  );
  return { timer, ticks, times: () => ticks.map((t) => t.at) };
}

describe('CronTimer', () => {
  let stop: (() => void) | undefined;
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-15T12:00:00.400Z') });
  });
  afterEach(() => {
    stop?.();
    jest.useRealTimers();
  });

  it('fires on each scheduled second, re-armed after each tick', () => {
    const { timer, ticks } = cronTimer('* * * * * *');
    stop = () => timer.stop();
    timer.start();
    expect(timer.next?.toISOString()).toBe('2026-01-15T12:00:01.000Z');
    jest.advanceTimersByTime(3_700);
    expect(ticks).toEqual([
      { at: '2026-01-15T12:00:01.000Z', firedAt: '2026-01-15T12:00:01.000Z' },
      { at: '2026-01-15T12:00:02.000Z', firedAt: '2026-01-15T12:00:02.000Z' },
      { at: '2026-01-15T12:00:03.000Z', firedAt: '2026-01-15T12:00:03.000Z' },
      { at: '2026-01-15T12:00:04.000Z', firedAt: '2026-01-15T12:00:04.000Z' },
    ]);
  });

  it('counts the next run from the scheduled time, so a tick that fires late does not shift the schedule', () => {
    // Each tick takes 300 ms of the event loop: the next is still on the next whole second, not 1 s after the tick.
    const { timer, ticks } = cronTimer('* * * * * *', undefined, () => jest.setSystemTime(Date.now() + 300));
    stop = () => timer.stop();
    timer.start();
    for (let i = 0; i < 3; i++) jest.advanceTimersToNextTimer();
    expect(ticks).toEqual([
      { at: '2026-01-15T12:00:01.000Z', firedAt: '2026-01-15T12:00:01.000Z' },
      { at: '2026-01-15T12:00:02.000Z', firedAt: '2026-01-15T12:00:02.000Z' },
      { at: '2026-01-15T12:00:03.000Z', firedAt: '2026-01-15T12:00:03.000Z' },
    ]);
    expect(timer.next?.toISOString()).toBe('2026-01-15T12:00:04.000Z');
  });

  it('skips the runs missed while the process was blocked, as BullMQ does, rather than catching up', () => {
    // The first tick blocks for 3.5 s: the runs of 12:00:02 to 12:00:04 are skipped.
    const { timer, times } = cronTimer('* * * * * *', undefined, (at) => at.getSeconds() === 1 && jest.setSystemTime(Date.now() + 3_500));
    stop = () => timer.stop();
    timer.start();
    jest.advanceTimersByTime(1_000);
    expect(timer.next?.toISOString()).toBe('2026-01-15T12:00:05.000Z');
    jest.advanceTimersByTime(1_000);
    expect(times()).toEqual(['2026-01-15T12:00:01.000Z', '2026-01-15T12:00:05.000Z']);
  });

  it('chains waits longer than Node timers allow, and fires once at the run', () => {
    // The first run of 1 March is 45 days ahead, more than 2^31-1 ms.
    const { timer, times } = cronTimer('0 0 1 3 *');
    stop = () => timer.stop();
    timer.start();
    const wait = new Date('2026-03-01T00:00:00Z').getTime() - Date.now();
    expect(wait).toBeGreaterThan(MAX_TIMER_DELAY);
    jest.advanceTimersByTime(MAX_TIMER_DELAY);
    expect(times()).toEqual([]);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(wait - MAX_TIMER_DELAY - 1);
    expect(times()).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(times()).toEqual(['2026-03-01T00:00:00.000Z']);
    expect(timer.next?.toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('fires at the run times cron-parser gives across the Berlin DST changes', () => {
    jest.setSystemTime(new Date('2026-03-28T23:30:00Z'));
    const spring = cronTimer('0 * * * *', 'Europe/Berlin');
    spring.timer.start();
    jest.advanceTimersByTime(3 * 3_600_000);
    spring.timer.stop();
    // 01:00 CET, then 03:00 and 04:00 CEST: 02:00 does not exist that night.
    expect(spring.times()).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z']);

    jest.setSystemTime(new Date('2026-10-24T12:00:00Z'));
    const fall = cronTimer('30 2 * * *', 'Europe/Berlin');
    stop = () => fall.timer.stop();
    fall.timer.start();
    jest.advanceTimersByTime(2 * DAY);
    // 02:30 CEST once on the night 02:30 comes twice, then 02:30 CET.
    expect(fall.times()).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('stops for good when stopped, also from within a tick', () => {
    const { timer, times } = cronTimer('* * * * * *', undefined, () => timer.stop());
    timer.start();
    jest.advanceTimersByTime(5_000);
    expect(times()).toEqual(['2026-01-15T12:00:01.000Z']);
    expect(timer.next).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops when the schedule has no run left', () => {
    const timer = new CronTimer(
      (from) => nextCronRun('* * * * * *', from, { endDate: new Date('2026-01-15T12:00:02Z') }),
      () => undefined,
    );
    timer.start();
    jest.advanceTimersByTime(5_000);
    expect(timer.next).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });
});
