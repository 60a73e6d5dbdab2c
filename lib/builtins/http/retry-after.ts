/** The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850 and asctime, which carries no zone but is UTC. */
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

function httpDate(value: string): number {
  if (IMF_FIXDATE.test(value) || RFC850_DATE.test(value)) return Date.parse(value);
  if (ASCTIME_DATE.test(value)) return Date.parse(`${value} GMT`);
  return NaN;
}

/**
 * `Retry-After` as milliseconds from now: whole delay-seconds or an HTTP-date. Undefined when absent, in any other
 * form (`1.5` is neither), or longer than `max` ms, so the job's backoff decides instead of parking it for ages.
 */
export function parseRetryAfter(value: string | undefined, max: number, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const wait = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Math.max(0, httpDate(trimmed) - now);
  return wait <= max ? wait : undefined;
}
