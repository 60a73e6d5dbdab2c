import { Job, type JobState } from 'bullmq';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import { queueIdsOf } from '../policy/job-ids.js';
import type { QueueRegistry } from './queue.registry.js';

/** The job of a user's key (or of an id BullMQ made itself), in the given queue or any. */
export async function findJob(queues: QueueRegistry, id: string, queue?: string): Promise<Job | undefined> {
  if (typeof id !== 'string' || !id || id.length > 255)
    throw new InvalidJobOptionsError('id', `must be a job id (1 to 255 characters); got ${JSON.stringify(id)}.`);
  const names = queue ? [queue] : queues.names();
  for (const queueId of queueIdsOf(id)) {
    const found = await Promise.all(names.map((q) => Job.fromId(queues.get(q), queueId)));
    const job = found.find((j): j is Job => !!j);
    if (job) return job;
  }
  return undefined;
}

/**
 * The job with its state. It is read before its state, so one that finished in between is read again: its result
 * (or reason) then matches its state.
 */
export async function readJob(
  queues: QueueRegistry,
  id: string,
  queue?: string,
): Promise<{ job: Job; state: JobState | 'unknown' } | undefined> {
  const found = await findJob(queues, id, queue);
  if (!found) return undefined;
  const state = await found.getState();
  const settled = (state === 'completed' || state === 'failed') && !found.finishedOn;
  return { job: settled ? ((await findJob(queues, id, found.queueName)) ?? found) : found, state };
}
