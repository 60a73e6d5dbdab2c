import { MAX_DATE_MS } from '../jobs.constants.js';

/**
 * RFC 3339's date-time, which is the `date-time` format of OpenAPI and JSON Schema: a full date, a time with seconds
 * and an optional fraction, and `Z` or an offset.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

/** What `parseIsoDate` takes, in the words every message about a date uses. */
export const ISO_DATE_RULE = 'an ISO 8601 date-time with an offset, such as 2026-01-31T09:30:00Z';

/** What `isStorableDate` takes, in the words every message about a date uses. */
export const STORABLE_DATE_RULE = 'from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (year: number, month: number) => (month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/**
 * The moment an ISO 8601 date-time string names, or undefined for anything else: a number (which `new Date` would take
 * as milliseconds), a date without a time or offset (whose time zone would be guessed), or a day or time that does not
 * exist, such as `2026-02-30` (which `new Date` rolls into March) or `24:00`.
 */
export function parseIsoDate(value: unknown): Date | undefined {
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetHours = Number(m[9] ?? 0);
  const offsetMinutes = Number(m[10] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  // Date.UTC reads years 0 to 99 as 1900 to 1999; setting the year afterwards keeps the one written.
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  utc.setUTCFullYear(year);
  return new Date(utc.getTime() - offset);
}

/** Whether a date lies where BullMQ and every history database can keep it: from 1970 to the end of year 9999 (UTC). */
export function isStorableDate(date: Date): boolean {
  const ms = date.getTime();
  return ms >= 0 && ms <= MAX_DATE_MS;
}
