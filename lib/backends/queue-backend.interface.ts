import type { BackendClasses, IQueueBackend, Queue } from 'bullmq';

/** BullMQ's classes bound to one backend, the options every object of it is built with, and what closes them. */
export interface QueueBackend {
  readonly classes: BackendClasses<IQueueBackend, unknown>;
  /** `runRetryDelay` is a worker's; BullMQ's other classes ignore it. */
  readonly base: { connection: unknown; prefix?: string; runRetryDelay?: number };
  /** Where the queues are, for the start-up log: a Redis prefix or a PostgreSQL schema. */
  readonly location: string;
  /** The queues' namespace, short: `redis:<prefix>` or `postgres:<schema>`; two applications on one database differ in it. */
  readonly namespace: string;
  /** Closes what the objects share; each BullMQ object closes its own part first. */
  close(): Promise<void>;
  /**
   * Whether the queue's event stream has dropped events after `position` (BullMQ trims it to `maxLenEvents`): what was
   * dropped, and from when if the backend knows, or undefined when nothing after `position` was.
   */
  trimmedSince(queue: Queue, position: string): Promise<StreamGap | undefined>;
  /** Id of the newest event in the queue's stream, so that reading can start exactly there (BullMQ's `$` is "whenever the read starts"). */
  lastEventId(queue: Queue): Promise<string>;
  /**
   * The queue's events with ids after `after` and up to `upTo`, where a reader can have passed some over: on PostgreSQL
   * an event's id is taken before its transaction commits, so one committed after a later id was read is behind the
   * reader. Redis stream ids are given in the order entries are written: nothing is passed over, and this is empty.
   */
  eventsBetween(queue: Queue, after: string, upTo: string): Promise<StreamEntry[]>;
}

/** One event of a queue's stream, as `QueueEvents` gives it. */
export interface StreamEntry {
  id: string;
  event: string;
  fields: Record<string, string>;
}

export interface StreamGap {
  description: string;
  /** Milliseconds since the epoch of the last event read, where the stream's ids tell it. */
  since?: number;
}
