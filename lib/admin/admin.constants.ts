/** Hides what `history.redact` lists from the data and results the live stream sends to browsers. */
export const EVENT_REDACTION = Symbol('jobs:event-redaction');

export const ADMIN_PATH = Symbol('jobs:admin-path');

/** The Swagger tag of every admin route, to filter the host's document by. */
export const ADMIN_TAG = 'jobs';
