import { InvalidJobOptionsError } from '../jobs.errors.js';
import type { CleanOptions, JobListQuery } from '../interfaces/job-flow.interface.js';
import { durationRule, isDuration } from '../option-checks.js';

/** The states `JobService.list` (and `GET /runs`) filters by. */
export const LIST_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'completed',
  'failed',
  'timeout',
  'cancelled',
  'waiting-children',
] as const satisfies ReadonlyArray<NonNullable<JobListQuery['state']>>;

/** A page of `list` reads `offset + limit` jobs of each queue: both are bounded so that one call cannot read them all. */
export const LIST_BOUNDS = { maxLimit: 500, defaultLimit: 50, maxOffset: 10_000 } as const;

export const CLEAN_STATUSES = ['completed', 'failed', 'wait', 'delayed', 'prioritized', 'active'] as const satisfies ReadonlyArray<
  NonNullable<CleanOptions['status']>
>;

const inRange = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** `list`'s query with its defaults; anything out of bounds is refused naming the field, as the admin API does. */
export function listQuery(query: JobListQuery): Required<Pick<JobListQuery, 'limit' | 'offset'>> & JobListQuery {
  const { limit = LIST_BOUNDS.defaultLimit, offset = 0, state, name, queue } = query;
  if (!inRange(limit, 1, LIST_BOUNDS.maxLimit))
    throw new InvalidJobOptionsError('limit', `must be an integer from 1 to ${LIST_BOUNDS.maxLimit}; got ${JSON.stringify(limit)}.`);
  if (!inRange(offset, 0, LIST_BOUNDS.maxOffset))
    throw new InvalidJobOptionsError('offset', `must be an integer from 0 to ${LIST_BOUNDS.maxOffset}; got ${JSON.stringify(offset)}.`);
  if (state !== undefined && !(LIST_STATES as readonly string[]).includes(state))
    throw new InvalidJobOptionsError('state', `must be one of ${LIST_STATES.join(', ')}; got ${JSON.stringify(state)}.`);
  for (const [field, value] of [
    ['name', name],
    ['queue', queue],
  ] as const) {
    if (value !== undefined && typeof value !== 'string')
      throw new InvalidJobOptionsError(field, `must be a string; got ${JSON.stringify(value)}.`);
  }
  return { ...query, limit, offset };
}

/** `clean`'s options with their defaults; anything else is refused naming the field. */
export function cleanOptions(options: CleanOptions): Required<CleanOptions> {
  const { grace = 0, status = 'completed', limit = 0 } = options;
  if (!isDuration(grace, 0)) throw new InvalidJobOptionsError('grace', `must be ${durationRule(0)}; got ${JSON.stringify(grace)}.`);
  if (!(CLEAN_STATUSES as readonly string[]).includes(status))
    throw new InvalidJobOptionsError('status', `must be one of ${CLEAN_STATUSES.join(', ')}; got ${JSON.stringify(status)}.`);
  if (!inRange(limit, 0, Number.MAX_SAFE_INTEGER))
    throw new InvalidJobOptionsError('limit', `must be a non-negative integer; got ${JSON.stringify(limit)}.`);
  return { grace, status, limit };
}
