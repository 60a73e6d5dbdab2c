import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject, takeUntil } from 'rxjs';
import type { JobEvent, JobEventFilter, JobEventScope, JobEventType } from '../interfaces/job-event.interface.js';
import { InvalidJobOptionsError } from '../jobs.errors.js';

export interface JobEventSubscription extends JobEventFilter {
  event: JobEventType | '*';
}

type Listener = { filter: JobEventSubscription; fn: (event: JobEvent) => void };

/** What reads the queues' event streams; started by the first cluster-scope subscription. */
export interface ClusterEventSource {
  start(): Promise<unknown>;
}

/**
 * The one lifecycle stream: the runtime publishes local events to it, the cluster reader the events of every instance,
 * and it knows nothing of who listens (hooks, history, metrics, live events). A listener hears one scope. A listener
 * that throws is logged and skipped: an observer must never fail the job, the enqueue or the other listeners.
 */
@Injectable()
export class JobEventBus implements OnModuleDestroy {
  private readonly logger = new Logger('JobsModule');
  private readonly listeners: Record<JobEventScope, Listener[]> = { local: [], cluster: [] };
  /** Local listeners per event type ('*' included), so the per-job path can skip building an event nobody hears. */
  private readonly counts = new Map<JobEventType | '*', number>();
  private readonly closing = new Subject<void>();
  private cluster?: ClusterEventSource;

  /** Whether any local listener takes events of this type; publishers check it before they build an event. */
  listensTo(type: JobEventType): boolean {
    return this.counts.has('*') || this.counts.has(type);
  }

  /** @internal The module's cluster reader registers itself here. */
  attachCluster(source: ClusterEventSource): void {
    this.cluster = source;
  }

  publish(event: JobEvent): void {
    for (const { filter, fn } of this.listeners[event.scope]) {
      if (
        (filter.event === '*' || filter.event === event.type) &&
        (filter.name === undefined || filter.name === event.name) &&
        (filter.queue === undefined || filter.queue === event.queue) &&
        (filter.jobId === undefined || filter.jobId === event.jobId)
      ) {
        try {
          fn(event);
        } catch (err) {
          this.logger.error(`A listener of "${event.type}" threw for job ${event.jobId}: ${(err as Error).message}`, (err as Error).stack);
        }
      }
    }
  }

  /** Returns the function that unsubscribes. A cluster-scope subscription starts reading the queues' streams. */
  subscribe(filter: JobEventSubscription, fn: (event: JobEvent) => void): () => void {
    const scope = filter.scope ?? 'local';
    if (scope !== 'local' && scope !== 'cluster')
      throw new InvalidJobOptionsError('scope', `must be 'local' or 'cluster'; got ${JSON.stringify(scope)}.`);
    const listener = { filter, fn };
    this.listeners[scope] = [...this.listeners[scope], listener];
    if (scope === 'local') this.counts.set(filter.event, (this.counts.get(filter.event) ?? 0) + 1);
    // A listener that cannot start reading is told by `startCluster()`'s own callers (watch, the gateway); the
    // reader logs why.
    else this.startCluster().catch(() => undefined);
    return () => {
      if (!this.listeners[scope].includes(listener)) return;
      this.listeners[scope] = this.listeners[scope].filter((l) => l !== listener);
      if (scope === 'cluster') return;
      const left = this.counts.get(filter.event)! - 1;
      if (left) this.counts.set(filter.event, left);
      else this.counts.delete(filter.event);
    };
  }

  /** Resolves once cluster events from now on will be heard; rejects if the queues' streams cannot be read. */
  startCluster(): Promise<unknown> {
    if (!this.cluster) return Promise.reject(new Error('Cluster events are not available in this module.'));
    return this.cluster.start();
  }

  /** The stream as an Observable, for consumers such as Server-Sent Events; it completes when the app closes. */
  observe(filter: JobEventSubscription = { event: '*' }): Observable<JobEvent> {
    return new Observable<JobEvent>((subscriber) => this.subscribe(filter, (event) => subscriber.next(event))).pipe(
      takeUntil(this.closing),
    );
  }

  /** An open event stream (a browser's SSE connection) would otherwise hold the HTTP server open for ever at shutdown. */
  onModuleDestroy(): void {
    this.closing.next();
    this.closing.complete();
  }
}
