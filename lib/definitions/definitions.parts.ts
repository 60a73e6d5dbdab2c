import type { DynamicModule } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import { JobDefinition } from '../history/entities/job-definition.entity.js';
import { DEFINITION_REPOSITORY } from '../history/history.constants.js';
import type { ResolvedHistoryOptions } from '../history/history.options.js';
import { JobDefinitionService } from './job-definition.service.js';

/** What job definitions add beside history, whose database they live in: the service over their table. */
export function definitionsParts(history: ResolvedHistoryOptions): Pick<DynamicModule, 'providers' | 'exports'> {
  return {
    providers: [
      { provide: DEFINITION_REPOSITORY, useExisting: getRepositoryToken(JobDefinition, history.dataSource) },
      JobDefinitionService,
    ],
    exports: [JobDefinitionService],
  };
}
