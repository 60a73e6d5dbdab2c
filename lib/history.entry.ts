// The entry point `nestjs-jobs/history`: the TypeORM entities and migrations to give the host's DataSource, and the
// services that read and write history. Apart from `nestjs-jobs`, so applications without history never load TypeORM.
export {
  JobExecution,
  JobDefinition,
  JobHistoryCursor,
  AppEventRecord,
  JobOutboxEntry,
  JOB_HISTORY_ENTITIES,
} from './history/job-history.entities.js';
export {
  JOB_HISTORY_MIGRATIONS,
  CreateJobHistory1763856000000,
  DurableJobHistory1764633600000,
  AppEvents1764892800000,
  JobOutbox1796169600000,
  HistoryPageIndexes1796256000000,
} from './history/job-history.migrations.js';
export { JobHistoryService } from './history/job-history.service.js';
export { JobDefinitionService } from './definitions/job-definition.service.js';
export { HistoryRecorder } from './history/history.recorder.js';
export { AppEventStore } from './events/app-event.store.js';
