import type { DynamicModule, Provider } from '@nestjs/common';
import { TypeOrmModule, getRepositoryToken } from '@nestjs/typeorm';
import { JobExecution } from './entities/job-execution.entity.js';
import { JobHistoryCursor } from './entities/job-history-cursor.entity.js';
import { CURSOR_REPOSITORY, EXECUTION_REPOSITORY, HISTORY_OPTIONS, REPAIR_STATS } from './history.constants.js';
import { HistoryRepairer } from './history.repairer.js';
import type { ResolvedHistoryOptions } from './history.options.js';
import { HistoryRecorder } from './history.recorder.js';
import { HistoryRetention } from './history-retention.service.js';
import { JobHistoryService } from './job-history.service.js';
import { JOB_HISTORY_ENTITIES } from './job-history.entities.js';

/** What `history` adds to the module: the entities in the host's DataSource, the recorder, the repairer and the reader. */
export function historyParts(options: ResolvedHistoryOptions): Pick<DynamicModule, 'imports' | 'providers' | 'exports'> {
  const providers: Provider[] = [
    { provide: HISTORY_OPTIONS, useValue: options },
    { provide: EXECUTION_REPOSITORY, useExisting: getRepositoryToken(JobExecution, options.dataSource) },
    { provide: CURSOR_REPOSITORY, useExisting: getRepositoryToken(JobHistoryCursor, options.dataSource) },
    HistoryRecorder,
    HistoryRepairer,
    { provide: REPAIR_STATS, useFactory: (repairer: HistoryRepairer) => repairer.stats, inject: [HistoryRepairer] },
    JobHistoryService,
    HistoryRetention,
  ];
  return {
    imports: [TypeOrmModule.forFeature(JOB_HISTORY_ENTITIES, options.dataSource)],
    providers,
    exports: [JobHistoryService, HistoryRecorder, HistoryRepairer],
  };
}
