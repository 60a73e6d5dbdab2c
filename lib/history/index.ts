// The entry point `nestjs-jobs/history`: the TypeORM entities and migrations to give the host's DataSource, and the
// services that read and write history. Apart from `nestjs-jobs`, so applications without history never load TypeORM.
export { JobExecution, JobDefinition, JobHistoryCursor, JOB_HISTORY_ENTITIES } from './job-history.entities.js';
export { JOB_HISTORY_MIGRATIONS, CreateJobHistory1763856000000, DurableJobHistory1764633600000 } from './job-history.migrations.js';
export { JobHistoryService } from './job-history.service.js';
export { JobDefinitionService } from '../definitions/job-definition.service.js';
export { HistoryRecorder } from './history.recorder.js';
