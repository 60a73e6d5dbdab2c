import type { ApiPropertyOptions } from '@nestjs/swagger';

const JSON_TYPES = {
  object: { type: 'object', additionalProperties: true },
  array: { type: 'array', items: {} },
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
} as const;

/**
 * A value of any of these JSON types. OpenAPI 3.0 honours `nullable` only beside a `type`, so null is let in by the
 * first alternative rather than by a `nullable` next to `anyOf`, which validators ignore.
 */
const jsonOf = (types: Array<keyof typeof JSON_TYPES>, nullable: boolean) =>
  ({ anyOf: types.map((t, i) => (nullable && i === 0 ? { ...JSON_TYPES[t], nullable } : JSON_TYPES[t])) }) as ApiPropertyOptions;

/** Swagger schema of a value that may be any JSON, null included: payloads and results are whatever the job made them. */
export const ANY_JSON = jsonOf(['object', 'array', 'string', 'number', 'boolean'], true);

/** A job's progress: what `ctx.progress` took, a number or an object (an array is one too). */
export const PROGRESS = jsonOf(['number', 'object', 'array'], false);

/** The last progress an attempt reported, or null when it reported none. */
export const RECORDED_PROGRESS = jsonOf(['number', 'object', 'array'], true);
