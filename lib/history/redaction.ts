import type { JobEvent } from '../interfaces/job-event.interface.js';

export const REDACTED = '[redacted]';

/**
 * Copies `value` with every property whose key is listed (case-insensitive) replaced by `[redacted]`, at any depth of
 * objects and arrays. Values that hold no listed key are returned as they are, without copying.
 */
export function redact(value: unknown, keys: ReadonlySet<string>): unknown {
  if (!keys.size || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => redact(item, keys));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value instanceof Date) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, inner] of Object.entries(value)) {
    const next = keys.has(key.toLowerCase()) ? REDACTED : redact(inner, keys);
    if (next !== inner) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}

export const redactionKeys = (keys: string[]): ReadonlySet<string> => new Set(keys.map((k) => k.toLowerCase()));

/** An event with its data, result and progress redacted: what history stores and the live streams send. */
export function redactEvent<E extends JobEvent>(event: E, keys: ReadonlySet<string>): E {
  if (!keys.size) return event;
  let copy: Record<string, unknown> | undefined;
  for (const field of ['data', 'result', 'progress'] as const) {
    if (!(field in event)) continue;
    const value = (event as unknown as Record<string, unknown>)[field];
    const next = redact(value, keys);
    if (next !== value) (copy ??= { ...event })[field] = next;
  }
  // Most events carry nothing to hide; they pass on as they are, without a copy.
  return (copy as E | undefined) ?? event;
}
