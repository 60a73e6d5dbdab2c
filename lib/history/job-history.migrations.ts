import { CreateJobHistory1763856000000 } from './migrations/1763856000000-create-job-history.js';
import { DurableJobHistory1764633600000 } from './migrations/1764633600000-durable-history.js';
import { AppEvents1764892800000 } from './migrations/1764892800000-app-events.js';
import { JobOutbox1796169600000 } from './migrations/1796169600000-job-outbox.js';
import { HistoryPageIndexes1796256000000 } from './migrations/1796256000000-history-page-indexes.js';

export {
  CreateJobHistory1763856000000,
  DurableJobHistory1764633600000,
  AppEvents1764892800000,
  JobOutbox1796169600000,
  HistoryPageIndexes1796256000000,
};

/** The module's migrations, in order, for a host DataSource's `migrations`. */
export const JOB_HISTORY_MIGRATIONS = [
  CreateJobHistory1763856000000,
  DurableJobHistory1764633600000,
  AppEvents1764892800000,
  JobOutbox1796169600000,
  HistoryPageIndexes1796256000000,
];
