import { JobsError } from '../jobs.errors.js';

/** An event's name (or a pattern in a query) that breaks the naming rule; `field` is the input at fault. */
export class InvalidAppEventNameError extends JobsError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super('APP_EVENT_NAME_INVALID', `Event ${field} ${detail}.`);
  }
}

/** An event name with no schema and no subscriber, emitted while `events.unknownNames` is `'refuse'`. */
export class UnknownAppEventError extends JobsError {
  readonly field = 'name';
  constructor(readonly eventName: string) {
    super('APP_EVENT_UNKNOWN', `Event "${eventName}" has no schema and no subscriber, and events.unknownNames is "refuse".`);
  }
}

/** A name that `events.restEmit.names` does not list, emitted through the Events API. */
export class AppEventNotAllowedError extends JobsError {
  readonly field = 'name';
  constructor(
    readonly eventName: string,
    allowed: string[],
  ) {
    super(
      'APP_EVENT_NOT_ALLOWED',
      `Event "${eventName}" may not be emitted through the API; events.restEmit.names lists ${allowed.join(', ') || '(none)'}.`,
    );
  }
}

/** More API emits from one source in a minute than `events.restEmit.ratePerMinute` allows. */
export class AppEventRateLimitError extends JobsError {
  constructor(
    readonly source: string,
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      'APP_EVENT_RATE_LIMITED',
      `Source "${source}" has emitted ${limit} events in the last minute, the limit of events.restEmit.ratePerMinute; retry in ${retryAfterSeconds} s.`,
    );
  }
}

export class AppEventNotFoundError extends JobsError {
  constructor(readonly eventId: string) {
    super('APP_EVENT_NOT_FOUND', `No stored event "${eventId}".`);
  }
}
