import type { Job } from 'bullmq';
import type { StoredJobOptions } from './job-request.builder.js';

/** Where a job came from, for events: the scheduler that made it and the definition it runs. */
export function jobOrigin(job: Job): { schedule?: string; definitionId?: string } {
  return { schedule: scheduleOf(job), definitionId: definitionOf(job) };
}

/** The two parts of `jobOrigin`, for events built on the per-job path without an object to spread. */
export const scheduleOf = (job: Job): string | undefined => job.repeatJobKey || undefined;
export const definitionOf = (job: Job): string | undefined => (job.opts as StoredJobOptions).definitionId;
