/** Injection token of the resolved `events` options. */
export const EVENTS_OPTIONS = Symbol('nestjs-jobs:events-options');
/** Injection token of the event store, present when history is on. */
export const APP_EVENT_STORE = Symbol('nestjs-jobs:app-event-store');
/** Default delivery job name of a subscriber: `event:<Class.method>`. */
export const EVENT_JOB_PREFIX = 'event:';
export const EVENTS_RETENTION_CRON = 'jobs.events.retention';
export const APP_EVENT_REPOSITORY = Symbol('nestjs-jobs:app-event-repository');
