import { durationRule, isDuration } from '../option-checks.js';
import { Injectable } from '@nestjs/common';
import { filter, firstValueFrom, Observable, throwError, timeout } from 'rxjs';
import { FINAL_EVENT_TYPES, type JobEvent, type JobFailedEvent } from '../interfaces/job-event.interface.js';
import { InvalidJobOptionsError, JobFailedError, JobNotFoundError, JobWaitTimeoutError } from '../jobs.errors.js';
import { JobEventBus } from './job-event.bus.js';
import { jobEvents, queueErrorOf } from './job-events.js';
import { readJob } from './job-lookup.js';
import { QueueRegistry } from './queue.registry.js';

/** How often `watch` reads a job's state, in case its final event is never read. */
const WATCH_POLL_MS = 5_000;

/**
 * The result of the job `events` are about (`watch`'s stream), once its final event comes: rejects with
 * `JobFailedError` if it did not complete, and with `JobWaitTimeoutError` after `limit` ms.
 */
export async function untilFinished<T>(id: string, events: Observable<JobEvent>, limit: number | undefined): Promise<T> {
  if (limit !== undefined && !isDuration(limit)) {
    throw new InvalidJobOptionsError('timeout', `must be ${durationRule()}; got ${JSON.stringify(limit)}.`);
  }
  const final = events.pipe(
    filter((event) => FINAL_EVENT_TYPES.has(event.type)),
    limit === undefined ? (source) => source : timeout({ first: limit, with: () => throwError(() => new JobWaitTimeoutError(id, limit)) }),
  );
  const event = await firstValueFrom(final);
  if (event.type === 'completed') return event.result as T;
  const ended = event as JobFailedEvent;
  throw new JobFailedError(id, ended.type, ended.error?.message ?? '');
}

/** One job followed wherever it runs: `JobService.watch` and `waitUntilFinished`. */
@Injectable()
export class JobWatcher {
  constructor(
    private readonly bus: JobEventBus,
    private readonly queues: QueueRegistry,
  ) {}

  watch(id: string, queue?: string): Observable<JobEvent> {
    return new Observable<JobEvent>((subscriber) => {
      let done = false;
      // Events that arrive while the job's state is read wait for it: a finished job gives its end alone.
      let held: JobEvent[] | undefined = [];
      const next = (event: JobEvent) => {
        if (done) return;
        if (held) return void held.push(event);
        subscriber.next(event);
        if (FINAL_EVENT_TYPES.has(event.type)) {
          done = true;
          subscriber.complete();
        }
      };
      const fail = (err: unknown) => done || ((done = true), subscriber.error(err));
      // Ends with the application too, so an open stream (a browser's SSE) never holds the HTTP server at shutdown.
      const events = this.bus
        .observe({ event: '*', scope: 'cluster', jobId: id, queue })
        .subscribe({ next, complete: () => done || subscriber.complete() });
      // A safety net should the final event never come (a job removed before its end was read): the job's own state.
      const poll = setInterval(
        () =>
          void this.finalEventOf(id, queue).then(
            (end) => end && next(end),
            () => undefined,
          ),
        WATCH_POLL_MS,
      );
      poll.unref();
      // Read after the stream is being followed, so an end that happens in between is seen by one or the other.
      this.bus
        .startCluster()
        .then(() => this.finalEventOf(id, queue))
        .then((end) => {
          const waiting = held!;
          held = undefined;
          if (end) next(end);
          else waiting.forEach(next);
        })
        .catch(fail);
      return () => {
        events.unsubscribe();
        clearInterval(poll);
      };
    });
  }

  /** The final event of a job that has finished, from the job as the queue keeps it; undefined while it has not. */
  private async finalEventOf(id: string, queue?: string): Promise<JobEvent | undefined> {
    const read = await readJob(this.queues, id, queue);
    if (!read) throw new JobNotFoundError(id);
    const { job, state } = read;
    if (state !== 'completed' && state !== 'failed') return undefined;
    return state === 'completed'
      ? jobEvents.completed(job, job.returnvalue, 'cluster')
      : jobEvents.ended(job, queueErrorOf(job.failedReason, job.stacktrace?.at(-1)), true, 'cluster');
  }

  waitUntilFinished<T = unknown>(id: string, options: { timeout?: number; queue?: string } = {}): Promise<T> {
    return untilFinished<T>(id, this.watch(id, options.queue), options.timeout);
  }
}
