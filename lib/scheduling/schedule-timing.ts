import { isStorableDate, STORABLE_DATE_RULE } from '../policy/dates.js';
import type { CronOptions } from '../interfaces/schedule.interface.js';
import { isValidTimeZone } from './cron-expression.js';

const isDate = (v: unknown): v is Date => v instanceof Date && isStorableDate(v);
const DATE_RULE = `must be a valid Date ${STORABLE_DATE_RULE}`;

/**
 * Checks the timing options shared by `@Cron`, `@Every`, run-time schedules and definitions, the same wherever they are
 * given; returns the option at fault and why. With `now`, an `endDate` already past is refused: BullMQ would skip
 * such a schedule without a word.
 */
export function scheduleTimingProblem(
  o: Pick<CronOptions, 'startDate' | 'endDate' | 'limit' | 'timeZone'>,
  now?: Date,
): { option: string; detail: string } | undefined {
  if (o.timeZone !== undefined && !(typeof o.timeZone === 'string' && isValidTimeZone(o.timeZone)))
    return { option: 'timeZone', detail: `must be an IANA time zone such as "Europe/Paris"; got ${JSON.stringify(o.timeZone)}.` };
  if (o.startDate !== undefined && !isDate(o.startDate)) return { option: 'startDate', detail: `${DATE_RULE}.` };
  if (o.endDate !== undefined && !isDate(o.endDate)) return { option: 'endDate', detail: `${DATE_RULE}.` };
  if (o.startDate && o.endDate && o.endDate <= o.startDate) return { option: 'endDate', detail: 'must be after startDate.' };
  if (now && o.endDate && o.endDate <= now) return { option: 'endDate', detail: `must be in the future; got ${o.endDate.toISOString()}.` };
  if (o.limit !== undefined && !(Number.isInteger(o.limit) && o.limit > 0 && o.limit <= Number.MAX_SAFE_INTEGER))
    return { option: 'limit', detail: 'must be a positive integer.' };
  return undefined;
}
