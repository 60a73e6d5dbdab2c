import type { Type } from '@nestjs/common';
import type { JobContext } from './job-context.interface.js';
export type { EmitOptions } from './emit-options.interface.js';
import type { ExecutionStatus } from './job-history.interface.js';
import type { JobRetryOptions } from './job-options.interface.js';

/** Options of `@OnAppEvent`: the delivery job's queue, retry policy and name. */
export interface OnAppEventOptions extends JobRetryOptions {
  /** Queue the deliveries run on. Default `events.queue` (itself `events` by default). */
  queue?: string;
  /** The delivery job's name, unique among jobs. Default `event:<Class.method>`. */
  name?: string;
}

/** What `@OnAppEvent` records on its method. */
export interface OnAppEventMetadata {
  pattern: string;
  options: OnAppEventOptions;
}

/** The event a delivery carries, as a subscriber sees it. */
export interface AppEventInfo {
  id: string;
  name: string;
  source: string | null;
  emittedAt: Date;
}

/** The context of one delivery: a job's context (attempt, signal, log) and the event it delivers. */
export interface AppEventContext<TPayload = unknown> extends JobContext<TPayload> {
  readonly event: AppEventInfo;
}

/** The `events` extra of `forRoot`. */
export interface JobsEventsOptions {
  /** Off when false. Default true once `events` is given. */
  enabled?: boolean;
  /** A class-validator class per event name: `emit` refuses a payload that fails it, and subscribers receive an instance of it. */
  schemas?: Record<string, Type<object>>;
  /** An event name with no schema and no subscriber: emitted (and stored) anyway, or refused. Default `'allow'`. */
  unknownNames?: 'allow' | 'refuse';
  /** Default queue of the deliveries. Default `events`. */
  queue?: string;
  /** Days stored events are kept (history on); 0 keeps them for ever. Default 30. */
  retentionDays?: number;
  /** `POST <admin>/app-events`: which names it may emit (default any) and how many events per minute one `source` may emit. */
  restEmit?: { names?: string[]; ratePerMinute?: number };
}

/** A delivery of a stored event: its subscriber's job and the attempts history recorded of it. */
export interface AppEventDelivery {
  jobId: string;
  subscriber: string;
  /** The last recorded attempt's status; `pending` until one is recorded. */
  status: ExecutionStatus | 'pending';
  attempts: number;
}

/** A stored event, as the Events API and `AppEventStore` return it. */
export interface StoredAppEvent {
  id: string;
  name: string;
  source: string | null;
  /** Redacted as `history.redact` says. */
  payload: unknown;
  /** The delivery job names the event was given to when emitted. */
  subscribers: string[];
  emittedAt: Date;
}

export interface AppEventQuery {
  /** An exact name or a pattern (`user.*`, `**`). */
  name?: string;
  source?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  cursor?: string;
}

export interface AppEventPage {
  items: StoredAppEvent[];
  nextCursor?: string;
}

export interface AppEventCount {
  /** The name, or the source (null for events emitted without one). */
  key: string | null;
  count: number;
}

export interface AppEventStats {
  since: Date;
  until: Date;
  total: number;
  perMinute: number;
  byName: AppEventCount[];
  bySource: AppEventCount[];
}
