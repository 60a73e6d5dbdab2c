import type { Job } from 'bullmq';
import type { ExecutionStatus } from '../interfaces/job-history.interface.js';
import { endTypeOf, queueErrorOf } from '../runtime/job-events.js';
import { fromQueueId, fromSchedulerKey } from '../policy/job-ids.js';
import type { StoredJobOptions } from '../policy/job-options.policy.js';
import { startedAtOf } from '../runtime/job-times.js';
import type { ExecutionRow } from './execution-rows.js';
import { redact } from './redaction.js';

/** What the stream said happened to a job: it completed, it failed for good, or an attempt ended with a retry to follow. */
export type StreamOutcome = { kind: 'completed'; result: unknown } | { kind: 'failed'; reason: string } | { kind: 'retried' };

/** A row already in history, as far as recovery needs it. */
export interface StoredAttempt {
  attempt: number;
  status: ExecutionStatus;
  name: string;
}

export interface RecoverySettings {
  redact: ReadonlySet<string>;
  maxLogLines: number;
}

const RANK: Record<ExecutionStatus, number> = { running: 0, retrying: 1, completed: 2, failed: 2, timeout: 2, cancelled: 2 };
export const rankOf = (status: ExecutionStatus) => RANK[status];

/**
 * Whether history already holds what the outcome says, so the job need not be read from the queue: a row for every
 * attempt up to the last one stored, none still `running`, and for an end, the row of that end.
 */
export function isRecorded(outcome: StreamOutcome, stored: StoredAttempt[]): boolean {
  const attempts = new Set(stored.map((r) => r.attempt));
  const last = Math.max(0, ...attempts);
  for (let attempt = 1; attempt <= last; attempt++) if (!attempts.has(attempt)) return false;
  if (stored.some((r) => r.status === 'running')) return false;
  if (outcome.kind === 'completed') return stored.some((r) => r.status === 'completed');
  if (outcome.kind === 'failed') return stored.some((r) => r.status === 'failed' || r.status === 'timeout' || r.status === 'cancelled');
  // A retry does not say which attempt ended: the job is read to know (rows that exist are not written again).
  return false;
}

const date = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms));

/**
 * The rows of attempts that ended in the queue but are missing from history (or still say `running`), rebuilt from the
 * job as the queue keeps it: payload, options, attempt count, the last attempt's times, result or error, earlier
 * attempts' errors from BullMQ's stack traces, and log lines. What only the dead process knew (progress of earlier
 * attempts, which lines belong to which attempt, earlier attempts' times) is not there.
 */
export function recoveredRows(
  job: Job,
  state: string,
  outcome: StreamOutcome,
  stored: StoredAttempt[],
  settings: RecoverySettings,
  logs: string[],
): ExecutionRow[] {
  const made = job.attemptsMade;
  // One stack trace per failed attempt, newest last (BullMQ keeps the last `stackTraceLimit`).
  const traces = job.stacktrace ?? [];
  const failures = state === 'completed' ? made - 1 : made;
  const [host, pid] = (job.processedBy ?? '').split(':');
  const rows: ExecutionRow[] = [];
  // A job that has finished since the retry was seen: its last attempt is recovered from the event that ended it.
  const upTo = outcome.kind === 'retried' && (state === 'completed' || state === 'failed') ? made - 1 : made;
  for (let attempt = 1; attempt <= upTo; attempt++) {
    const last = attempt === made;
    const trace = state === 'completed' && last ? undefined : traces[traces.length - 1 - (failures - attempt)];
    const error = queueErrorOf(last ? job.failedReason : undefined, trace);
    const status: ExecutionStatus =
      !last || outcome.kind === 'retried' ? 'retrying' : outcome.kind === 'completed' ? 'completed' : endTypeOf(error.name);
    const existing = stored.find((r) => r.attempt === attempt);
    if (existing && rankOf(existing.status) >= rankOf(status)) continue;
    const startedAt = last ? date(startedAtOf(job)) : null;
    const finishedAt = last && outcome.kind !== 'retried' ? date(job.finishedOn) : null;
    rows.push({
      jobId: fromQueueId(job.id!),
      queue: job.queueName,
      name: job.name,
      status,
      attempt,
      maxAttempts: job.opts.attempts ?? 1,
      data: redact(job.data, settings.redact) ?? null,
      result: status === 'completed' ? (redact(job.returnvalue, settings.redact) ?? null) : null,
      errorMessage: status === 'completed' ? null : error.message || null,
      errorStack: trace ?? null,
      progress: last ? ((redact(job.progress, settings.redact) as number | object | undefined) ?? null) : null,
      logs: last && logs.length ? logs.slice(-settings.maxLogLines) : null,
      enqueuedAt: date(job.timestamp),
      startedAt,
      finishedAt,
      durationMs: startedAt && finishedAt ? finishedAt.getTime() - startedAt.getTime() : null,
      workerHost: last && host ? host : null,
      workerPid: last && Number.isInteger(Number(pid)) && pid ? Number(pid) : null,
      schedule: job.repeatJobKey ? fromSchedulerKey(job.repeatJobKey) : null,
      definitionId: (job.opts as StoredJobOptions).definitionId ?? null,
      recovered: true,
    });
  }
  return rows;
}

/**
 * The row of a job that ended while its process died and that the queue has already removed: only the stream's word
 * is left (its result or reason); the attempt is the one history saw start, or the one after the last it saw end.
 */
export function rowFromStreamOnly(
  jobId: string,
  queue: string,
  outcome: StreamOutcome,
  stored: StoredAttempt[],
  at: number,
  settings: RecoverySettings,
): ExecutionRow | undefined {
  if (outcome.kind === 'retried') return undefined;
  const running = stored.find((r) => r.status === 'running');
  const lastAttempt = stored.reduce((max, r) => Math.max(max, r.attempt), 0);
  const attempt = running?.attempt ?? lastAttempt + 1;
  return {
    jobId: fromQueueId(jobId),
    queue,
    name: stored[0]?.name ?? '',
    status: outcome.kind === 'completed' ? 'completed' : 'failed',
    attempt,
    maxAttempts: attempt,
    data: null,
    result: outcome.kind === 'completed' ? (redact(outcome.result, settings.redact) ?? null) : null,
    errorMessage: outcome.kind === 'failed' ? outcome.reason : null,
    errorStack: null,
    progress: null,
    logs: null,
    enqueuedAt: null,
    startedAt: null,
    finishedAt: new Date(at),
    durationMs: null,
    workerHost: null,
    workerPid: null,
    schedule: null,
    definitionId: null,
    recovered: true,
  };
}
