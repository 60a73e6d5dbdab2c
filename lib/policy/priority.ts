import { MAX_PRIORITY, PRIORITY_LEVELS } from '../jobs.constants.js';
import { InvalidPriorityError } from '../jobs.errors.js';
import type { JobPriority } from '../interfaces/job-options.interface.js';

/** A priority `add` accepts: a level's name or an integer from 1 (first) to `MAX_PRIORITY`. */
export const isJobPriority = (value: unknown): value is JobPriority =>
  (typeof value === 'string' && Object.hasOwn(PRIORITY_LEVELS, value)) ||
  (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_PRIORITY);

/** What a priority must be, for error messages. */
export const PRIORITY_RULE = `one of ${Object.keys(PRIORITY_LEVELS).join(', ')} or an integer from 1 (first) to ${MAX_PRIORITY}`;

/** Maps a named or numeric priority to BullMQ's (lower runs first); names keep room between them for numbers. */
export function toBullPriority(priority: JobPriority | undefined): number {
  if (priority === undefined) return PRIORITY_LEVELS.normal;
  if (!isJobPriority(priority)) throw new InvalidPriorityError(`must be ${PRIORITY_RULE}; got ${JSON.stringify(priority)}.`);
  return typeof priority === 'string' ? PRIORITY_LEVELS[priority] : priority;
}
