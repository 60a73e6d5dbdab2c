import type { Job } from 'bullmq';
import type { StoredJobOptions } from './job-request.builder.js';

/** Where a job came from, for events: the scheduler that made it and the definition it runs. */
export function jobOrigin(job: Job): { schedule?: string; definitionId?: string } {
  const { definitionId } = job.opts as StoredJobOptions;
  return { schedule: job.repeatJobKey || undefined, definitionId };
}
