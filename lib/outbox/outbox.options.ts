import { badOption, durationRule, integerOption, isDuration, isPositiveInt } from '../option-checks.js';
import type { JobOutboxOptions } from '../interfaces/job-history.interface.js';

export type ResolvedOutboxOptions = Required<JobOutboxOptions>;

export const OUTBOX_DEFAULTS: ResolvedOutboxOptions = { pollInterval: 200, batchSize: 100 };

/** `history.outbox`, checked and defaulted once; numbers may come as strings, from the environment or `ConfigService`. */
export function resolveOutboxOptions(given: JobOutboxOptions | undefined): ResolvedOutboxOptions {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given)))
    badOption('history.outbox', 'an object ({ pollInterval?, batchSize? })', given);
  const o = { ...OUTBOX_DEFAULTS };
  for (const key of ['pollInterval', 'batchSize'] as const) if (given?.[key] !== undefined) o[key] = integerOption(given[key]);
  if (!isDuration(o.pollInterval)) badOption('history.outbox.pollInterval', durationRule(), o.pollInterval);
  if (!isPositiveInt(o.batchSize) || o.batchSize > 10_000) badOption('history.outbox.batchSize', 'an integer from 1 to 10000', o.batchSize);
  return o;
}
