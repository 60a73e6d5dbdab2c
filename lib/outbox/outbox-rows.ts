import type { JobOutboxEntry } from '../history/entities/job-outbox-entry.entity.js';
import type { StoredJobOptions } from '../policy/job-options.policy.js';
import type { QueuedRequest } from '../runtime/job-request.builder.js';

export type OutboxRow = Omit<JobOutboxEntry, 'seq'>;

/** A request as the outbox stores it; its payload as BullMQ would store it (no payload is an empty object). */
export function outboxRow(request: QueuedRequest, namespace: string, createdAt: number): OutboxRow {
  return {
    namespace,
    queue: request.job.queue,
    jobId: request.opts.jobId!,
    name: request.job.name,
    data: JSON.stringify(request.data === undefined ? {} : request.data),
    opts: JSON.stringify(request.opts),
    createdAt: String(createdAt),
  };
}

/**
 * A stored row as the request the relay adds. It keeps its add's time as BullMQ's `timestamp`, so a `delay` or `runAt`
 * counts from the add, not from the relay, and the job shows when it was added.
 */
export function relayedRequest(row: JobOutboxEntry): QueuedRequest {
  const opts = JSON.parse(row.opts) as StoredJobOptions;
  return {
    job: { name: row.name, queue: row.queue },
    data: JSON.parse(row.data) as unknown,
    opts: { ...opts, jobId: row.jobId, timestamp: Number(row.createdAt) },
  };
}
