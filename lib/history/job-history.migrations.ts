import { CreateJobHistory1763856000000 } from './migrations/1763856000000-create-job-history.js';

export { CreateJobHistory1763856000000 };

/** The module's migrations, in order, for a host DataSource's `migrations`. */
export const JOB_HISTORY_MIGRATIONS = [CreateJobHistory1763856000000];
