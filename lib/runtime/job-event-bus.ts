import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject, takeUntil } from 'rxjs';
import type { JobEvent, JobEventFilter, JobEventType } from '../interfaces/job-event.interface.js';

export interface JobEventSubscription extends JobEventFilter {
  event: JobEventType | '*';
}

type Listener = { filter: JobEventSubscription; fn: (event: JobEvent) => void };

/**
 * The one lifecycle stream of this process: the runtime publishes to it and knows nothing of who listens
 * (hooks, history, metrics, live events). A listener that throws is logged and skipped: an observer must never
 * fail the job, the enqueue or the other listeners.
 */
@Injectable()
export class JobEventBus implements OnModuleDestroy {
  private readonly logger = new Logger('JobsModule');
  private listeners: Listener[] = [];
  /** Listeners per event type ('*' included), so the per-job path can skip building an event nobody hears. */
  private readonly counts = new Map<JobEventType | '*', number>();
  private readonly closing = new Subject<void>();

  /** Whether any listener takes events of this type; publishers check it before they build an event. */
  listensTo(type: JobEventType): boolean {
    return this.counts.has('*') || this.counts.has(type);
  }

  publish(event: JobEvent): void {
    for (const { filter, fn } of this.listeners) {
      if (
        (filter.event === '*' || filter.event === event.type) &&
        (filter.name === undefined || filter.name === event.name) &&
        (filter.queue === undefined || filter.queue === event.queue)
      ) {
        try {
          fn(event);
        } catch (err) {
          this.logger.error(`A listener of "${event.type}" threw for job ${event.jobId}: ${(err as Error).message}`, (err as Error).stack);
        }
      }
    }
  }

  /** Returns the function that unsubscribes. */
  subscribe(filter: JobEventSubscription, fn: (event: JobEvent) => void): () => void {
    const listener = { filter, fn };
    this.listeners = [...this.listeners, listener];
    this.counts.set(filter.event, (this.counts.get(filter.event) ?? 0) + 1);
    return () => {
      if (!this.listeners.includes(listener)) return;
      this.listeners = this.listeners.filter((l) => l !== listener);
      const left = this.counts.get(filter.event)! - 1;
      if (left) this.counts.set(filter.event, left);
      else this.counts.delete(filter.event);
    };
  }

  /** The stream as an Observable, for consumers such as Server-Sent Events; it completes when the app closes. */
  observe(filter: JobEventSubscription = { event: '*' }): Observable<JobEvent> {
    return new Observable<JobEvent>((subscriber) => this.subscribe(filter, (event) => subscriber.next(event))).pipe(takeUntil(this.closing));
  }

  /** An open event stream (a browser's SSE connection) would otherwise hold the HTTP server open for ever at shutdown. */
  onModuleDestroy(): void {
    this.closing.next();
    this.closing.complete();
  }
}
