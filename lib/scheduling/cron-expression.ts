import { CronExpressionParser } from 'cron-parser';

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The reason an expression cannot be used, or undefined when it can. Uses the parser BullMQ schedules with. */
export function cronProblem(expression: unknown, timeZone?: string): string | undefined {
  if (typeof expression !== 'string' || !expression.trim()) return 'expected a cron expression';
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) return `unknown time zone "${timeZone}"`;
  const fields = expression.trim().split(/\s+/).length;
  if (!expression.startsWith('@') && fields !== 5 && fields !== 6) return `expected 5 or 6 fields, got ${fields}`;
  try {
    CronExpressionParser.parse(expression, { tz: timeZone, strict: false }).next();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The next `count` run times after `from`, read in `timeZone`. */
export function nextCronRuns(expression: string, { timeZone, from = new Date(), count = 1 }: { timeZone?: string; from?: Date; count?: number }): Date[] {
  const cron = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: from });
  return Array.from({ length: count }, () => cron.next().toDate());
}
