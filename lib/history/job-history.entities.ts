import { AppEventRecord } from './entities/app-event.entity.js';
import { JobDefinition } from './entities/job-definition.entity.js';
import { JobExecution } from './entities/job-execution.entity.js';
import { JobHistoryCursor } from './entities/job-history-cursor.entity.js';
import { JobOutboxEntry } from './entities/job-outbox-entry.entity.js';

export { JobDefinition, JobExecution, JobHistoryCursor, AppEventRecord, JobOutboxEntry };

/** Every entity of the module, for a host DataSource's `entities` (or let `autoLoadEntities` pick them up). */
export const JOB_HISTORY_ENTITIES = [JobExecution, JobDefinition, JobHistoryCursor, AppEventRecord, JobOutboxEntry];
