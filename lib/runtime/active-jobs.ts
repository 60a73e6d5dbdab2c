import { Injectable } from '@nestjs/common';

interface ActiveJob {
  controller: AbortController;
  done: Promise<void>;
  finish: () => void;
}

const key = (queue: string, jobId: string) => `${queue}\u0000${jobId}`;

/** Attempts running in this process, so a cancel request or shutdown can abort them by id. */
@Injectable()
export class ActiveJobs {
  private readonly jobs = new Map<string, ActiveJob>();

  track(queue: string, jobId: string, controller: AbortController): () => void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const k = key(queue, jobId);
    this.jobs.set(k, { controller, done, finish });
    return () => {
      this.jobs.delete(k);
      finish();
    };
  }

  /** Aborts the attempt if it runs here; returns whether it did. */
  abort(queue: string, jobId: string, reason: unknown): boolean {
    const job = this.jobs.get(key(queue, jobId));
    job?.controller.abort(reason);
    return job !== undefined;
  }

  abortAll(reason: unknown): void {
    for (const job of this.jobs.values()) job.controller.abort(reason);
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Resolves true when every attempt running now has ended, or false after `timeout` ms. */
  async settled(timeout: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeout, false)));
    const all = Promise.all([...this.jobs.values()].map((j) => j.done)).then(() => true as const);
    try {
      return await Promise.race([all, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
