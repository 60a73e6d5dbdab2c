/** The payload of every benchmark job: its index, and when it was enqueued (wall-clock ms, for latency). */
export interface BenchPayload {
  i: number;
  at: number;
}

export type BenchHandler = (data: BenchPayload) => void;

/**
 * One job system under test, the same way for all of them: jobs queued before anything consumes them (not timed),
 * then consumption at a concurrency, then enqueueing while consuming (latency). The handler runs when a job starts.
 */
export interface Subject {
  fill(count: number): Promise<void>;
  start(handler: BenchHandler): Promise<void>;
  add(data: BenchPayload): Promise<unknown>;
  /** Waits for work that belongs to the jobs handled so far but runs after them (history rows). */
  settle?(): Promise<void>;
  /** Stops, closes and deletes everything the subject created. */
  close(): Promise<void>;
}

export type SubjectFactory = (options: { concurrency: number }) => Promise<Subject>;

/** A scenario that cannot run here (e.g. an option the module does not have yet); reported as skipped, not failed. */
export class SkipScenario extends Error {
  override readonly name = 'SkipScenario';
}

export const QUEUE = 'bench';
export const JOB = 'bench.job';
export const BULK = 1_000;

/** The module's default job options, given to the raw BullMQ baselines too, so both store the same kind of job. */
export const BULLMQ_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: 100,
  removeOnFail: 50,
};

/** Calls `add` for `count` payloads in chunks of `BULK`. */
export async function inChunks(count: number, add: (items: BenchPayload[]) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < count; from += BULK) {
    const items = Array.from({ length: Math.min(BULK, count - from) }, (_, k) => ({ i: from + k, at: 0 }));
    await add(items);
  }
}
