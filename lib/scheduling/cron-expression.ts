import { CronExpressionParser, type CronExpression } from 'cron-parser';

/** When a schedule may run; BullMQ reads a job scheduler's `tz`, `startDate` and `endDate` the same way. */
export interface CronWindow {
  timeZone?: string;
  startDate?: Date;
  endDate?: Date;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The one place an expression is read, for validation, previews and local runs alike: with the cron-parser that BullMQ
 * computes job schedulers' runs with (package.json pins the version bullmq depends on), given the same options.
 */
export function parseCron(expression: string, { timeZone, from }: { timeZone?: string; from: Date }): CronExpression {
  return CronExpressionParser.parse(expression, { tz: timeZone, currentDate: from });
}

/**
 * The first run strictly after `from`, as BullMQ's repeat strategy computes a job scheduler's next run: counted from the
 * later of `from` and `startDate`; none after `endDate`, nor when the parser finds none.
 */
export function nextCronRun(expression: string, from: Date, { timeZone, startDate, endDate }: CronWindow = {}): Date | undefined {
  const cron = parseCron(expression, { timeZone, from: startDate && startDate > from ? startDate : from });
  let next: Date;
  try {
    next = cron.next().toDate();
  } catch {
    return undefined;
  }
  return endDate && next > endDate ? undefined : next;
}

/** The next `count` run times after `from`, read in `timeZone`. */
export function nextCronRuns(
  expression: string,
  { timeZone, from = new Date(), count = 1 }: { timeZone?: string; from?: Date; count?: number },
): Date[] {
  const cron = parseCron(expression, { timeZone, from });
  return Array.from({ length: count }, () => cron.next().toDate());
}

/** The reason an expression cannot be used, or undefined when it can. */
export function cronProblem(expression: unknown, timeZone?: string): string | undefined {
  if (typeof expression !== 'string' || !expression.trim()) return 'expected a cron expression';
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) return `unknown time zone "${timeZone}"`;
  const fields = expression.trim().split(/\s+/);
  if (!expression.startsWith('@') && fields.length !== 5 && fields.length !== 6) return `expected 5 or 6 fields, got ${fields.length}`;
  try {
    parseCron(expression, { timeZone, from: new Date() }).next();
  } catch (err) {
    return (err as Error).message;
  }
  // The parser picks H's value at random on every parse, and BullMQ parses a scheduler's pattern again for each run.
  if (fields.some((field) => field.replace(/[a-z]{3}/gi, '').includes('H')))
    return 'hashed values (H) are not supported: each run would pick another time';
  return undefined;
}
