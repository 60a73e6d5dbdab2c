import { SetMetadata } from '@nestjs/common';
import { ON_JOB_EVENT_METADATA } from '../jobs.constants.js';
import type { JobEventFilter, JobEventType } from '../interfaces/job-event.interface.js';

export interface OnJobEventMetadata extends JobEventFilter {
  event: JobEventType | '*';
}

/**
 * Calls the decorated method with each lifecycle event of this type (or `'*'` for all), optionally of one job name,
 * queue or job id. `scope: 'cluster'` hears the jobs of every instance, `'local'` (default) those this process runs.
 */
export const OnJobEvent = (event: JobEventType | '*', filter: JobEventFilter = {}): MethodDecorator =>
  SetMetadata<string, OnJobEventMetadata>(ON_JOB_EVENT_METADATA, { event, ...filter });
