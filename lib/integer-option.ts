const DIGITS = /^\d+$/;

/**
 * Options read from `process.env` or `ConfigService` arrive as strings. One of decimal digits (surrounding whitespace
 * ignored) that is a safe integer becomes that number; anything else ('4.5', '4 jobs', '', '0x10', '1e3', '-1', '+4')
 * is returned unchanged, for the caller's check to refuse naming the option and the value received.
 */
export function integerOption<T>(value: T): T | number {
  if (typeof value !== 'string') return value;
  const digits = value.trim();
  if (!DIGITS.test(digits)) return value;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : value;
}
