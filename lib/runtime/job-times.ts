/** The times of a job that these read: a BullMQ `Job` or anything shaped like one. */
interface Timed {
  timestamp: number;
  opts: { delay?: number };
  processedOn?: number;
}

/** When the job could first run: its enqueue time, plus its delay. */
export const readyAtOf = (job: Timed): number => job.timestamp + (job.opts.delay ?? 0);

/**
 * When this attempt started, never before the job was ready: BullMQ's PostgreSQL backend stamps `processedOn` with the
 * time the worker asked for a job, which can be a few ms before that job was added.
 */
export function startedAtOf(job: Timed): number | undefined {
  return job.processedOn === undefined ? undefined : Math.max(job.processedOn, readyAtOf(job));
}
