import type { Job } from 'bullmq';

/** When the job could first run: its enqueue time, plus its delay. */
export const readyAtOf = (job: Job): number => job.timestamp + (job.opts.delay ?? 0);

/**
 * When this attempt started, never before the job was ready: BullMQ's PostgreSQL backend stamps `processedOn` with the
 * time the worker asked for a job, which can be a few ms before that job was added.
 */
export function startedAtOf(job: Job): number | undefined {
  return job.processedOn === undefined ? undefined : Math.max(job.processedOn, readyAtOf(job));
}
