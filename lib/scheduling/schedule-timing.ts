import type { CronOptions } from '../interfaces/schedule.interface.js';

const isDate = (v: unknown): v is Date => v instanceof Date && !Number.isNaN(v.getTime());

/** Checks the timing options shared by `@Cron` and run-time schedules; returns the option at fault and why. */
export function scheduleTimingProblem(
  o: Pick<CronOptions, 'startDate' | 'endDate' | 'limit'>,
): { option: string; detail: string } | undefined {
  if (o.startDate !== undefined && !isDate(o.startDate)) return { option: 'startDate', detail: 'must be a valid Date.' };
  if (o.endDate !== undefined && !isDate(o.endDate)) return { option: 'endDate', detail: 'must be a valid Date.' };
  if (o.startDate && o.endDate && o.endDate <= o.startDate) return { option: 'endDate', detail: 'must be after startDate.' };
  if (o.limit !== undefined && !(Number.isInteger(o.limit) && o.limit > 0))
    return { option: 'limit', detail: 'must be a positive integer.' };
  return undefined;
}
