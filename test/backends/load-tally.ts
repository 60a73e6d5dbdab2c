import type { Queue } from 'bullmq';
import type { ChildApp } from '../support/child-app.js';

/** What the queue and the processes say happened to the jobs of a run, by job number. */
export interface LoadAudit {
  /** Adds acknowledged whose job is not completed in the queue at the end. */
  lost: number[];
  /** Jobs completed more than once: twice in the queue, or two `completed` events. */
  duplicates: number[];
  /** Jobs whose handler ran more than once (a run whose end could not be written runs again). */
  ranTwice: number[];
  /** Jobs the queue has completed but whose worker never heard so: the answer to the write was cut off with the connection. */
  unreported: number[];
  /** Jobs completed though their add was refused: the add was written, its answer was lost. */
  unacknowledged: number[];
}

const count = (map: Map<number, number>, n: number) => map.set(n, (map.get(n) ?? 0) + 1);

/**
 * What the producer and worker processes of `test/backends/fixtures/load-app.mjs` reported, job by job (each job carries
 * its number `n`): when the backend acknowledged its add, how many times its handler ran and its completion was heard.
 */
export class LoadTally {
  /** Job number to the time its add was acknowledged. */
  readonly acked = new Map<number, number>();
  readonly ran = new Map<number, number>();
  readonly reported = new Map<number, number>();
  /** When each completion was heard, in order. */
  private readonly completions: number[] = [];
  readonly refused: string[] = [];
  /** The worker's `stalled` and `failed` events, as printed. */
  readonly incidents: string[] = [];

  constructor(producer: ChildApp, worker: ChildApp) {
    producer.onLine((line) => {
      const [kind, n, , at] = line.split(' ');
      if (kind === 'ACK') this.acked.set(Number(n), Number(at));
      if (kind === 'ERR') this.refused.push(line);
    });
    worker.onLine((line) => {
      const [kind, n, , at] = line.split(' ');
      if (kind === 'RAN') count(this.ran, Number(n));
      if (kind === 'DONE') {
        count(this.reported, Number(n));
        this.completions.push(Number(at));
      }
      if (kind === 'STALLED' || kind === 'FAILED') this.incidents.push(line);
    });
  }

  ackedAfter(since: number): number {
    return [...this.acked.values()].filter((at) => at > since).length;
  }

  /** Milliseconds from `since` to the first add acknowledged, and the first completion heard, after it. */
  resumedAfter(since: number): { added?: number; completed?: number } {
    const first = (times: Iterable<number>) => {
      const after = [...times].filter((at) => at > since);
      return after.length ? Math.min(...after) - since : undefined;
    };
    return { added: first(this.acked.values()), completed: first(this.completions) };
  }

  /** Compares what was acknowledged with what the queue completed, once the queue has drained. */
  async audit(queue: Queue): Promise<LoadAudit> {
    const completed = new Map<number, number>();
    for (const job of await queue.getJobs(['completed'], 0, -1)) count(completed, (job.data as { n: number }).n);
    const over = (map: Map<number, number>) => [...map].filter(([, times]) => times > 1).map(([n]) => n);
    return {
      lost: [...this.acked.keys()].filter((n) => !completed.has(n)),
      duplicates: [...new Set([...over(completed), ...over(this.reported)])],
      ranTwice: over(this.ran),
      unreported: [...completed.keys()].filter((n) => !this.reported.has(n)),
      unacknowledged: [...completed.keys()].filter((n) => !this.acked.has(n)),
    };
  }

  /** Whether the queue holds no job still to run. */
  static async drained(queue: Queue): Promise<boolean> {
    return Object.values(await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')).every((n) => n === 0);
  }
}
