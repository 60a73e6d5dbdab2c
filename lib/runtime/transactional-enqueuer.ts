import type { JobHandle } from '../interfaces/job-info.interface.js';
import type { JobTransaction } from '../interfaces/job-options.interface.js';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import type { QueuedRequest } from './job-request.builder.js';

/** The outbox's writer, which history provides: the enqueuer reaches it by this token without loading TypeORM. */
export const TRANSACTIONAL_ENQUEUER = Symbol('nestjs-jobs:transactional-enqueuer');

/** Writes validated requests into the host's open transaction; they reach their queues once it commits. */
export interface TransactionalEnqueuer {
  write(requests: QueuedRequest[], transaction: JobTransaction): Promise<JobHandle[]>;
}

/** The writer, or the refusal that names the option when history (and so the outbox) is off. */
export function transactional(writer: TransactionalEnqueuer | undefined): TransactionalEnqueuer {
  if (!writer) {
    throw new InvalidJobOptionsError(
      'transaction',
      "needs history: the job is written to the outbox table in history's DataSource, so turn `history` on in JobsModule.forRoot (and run JOB_HISTORY_MIGRATIONS).",
    );
  }
  return writer;
}
