import { Injectable } from '@nestjs/common';
import { within } from '../within.js';

interface ActiveJob {
  controller: AbortController;
  done?: Promise<void>;
  finish?: () => void;
}

const key = (queue: string, jobId: string) => `${queue}\u0000${jobId}`;

/** How long an abort request for an attempt not (yet) running here is kept: a worker may have taken the job already. */
const EARLY_ABORT_TTL = 30_000;

/** Attempts running in this process, so a cancel request or shutdown can abort them by id. */
@Injectable()
export class ActiveJobs {
  private readonly jobs = new Map<string, ActiveJob>();
  private abortingWith?: { reason: unknown };
  private readonly early = new Map<string, { reason: unknown; expires: number }>();

  track(queue: string, jobId: string, controller: AbortController): () => void {
    const k = key(queue, jobId);
    const job: ActiveJob = { controller };
    this.jobs.set(k, job);
    const early = this.early.get(k);
    this.early.delete(k);
    if (this.abortingWith) controller.abort(this.abortingWith.reason);
    else if (early && early.expires > Date.now()) controller.abort(early.reason);
    return () => {
      this.jobs.delete(k);
      job.finish?.();
    };
  }

  /**
   * Aborts the attempt if it runs here and returns true. Otherwise keeps the request for a while and returns false:
   * the job may be active already with its attempt about to start in this process.
   */
  abort(queue: string, jobId: string, reason: unknown): boolean {
    const k = key(queue, jobId);
    const job = this.jobs.get(k);
    if (job) {
      job.controller.abort(reason);
      return true;
    }
    const now = Date.now();
    for (const [other, { expires }] of this.early) if (expires <= now) this.early.delete(other);
    this.early.set(k, { reason, expires: now + EARLY_ABORT_TTL });
    return false;
  }

  /**
   * Aborts every attempt running now and, from now on, every attempt as it starts: a closing worker still runs the
   * jobs it had fetched before it was told to stop.
   */
  abortAll(reason: unknown): void {
    this.abortingWith = { reason };
    for (const job of this.jobs.values()) job.controller.abort(reason);
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Resolves true when every attempt running now has ended, or false after `timeout` ms. */
  settled(timeout: number): Promise<boolean> {
    const ends = [...this.jobs.values()].map((job) => (job.done ??= new Promise<void>((resolve) => (job.finish = resolve))));
    return within(Promise.all(ends), timeout);
  }
}
