import { MAX_PRIORITY, PRIORITY_LEVELS } from '../jobs.constants.js';
import { InvalidPriorityError } from '../jobs.errors.js';
import type { JobPriority } from '../interfaces/job-options.interface.js';

/** Maps a named or numeric priority to BullMQ's (lower runs first); names keep room between them for numbers. */
export function toBullPriority(priority: JobPriority | undefined): number {
  if (priority === undefined) return PRIORITY_LEVELS.normal;
  if (typeof priority === 'string') {
    const level = PRIORITY_LEVELS[priority];
    if (level !== undefined) return level;
  } else if (Number.isInteger(priority) && priority >= 1 && priority <= MAX_PRIORITY) {
    return priority;
  }
  throw new InvalidPriorityError(
    `must be one of ${Object.keys(PRIORITY_LEVELS).join(', ')} or an integer from 1 (first) to ${MAX_PRIORITY}; got ${JSON.stringify(priority)}.`,
  );
}
