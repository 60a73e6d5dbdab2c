/** Hides what `history.redact` lists from the data and results the live stream sends to browsers. */
export const EVENT_REDACTION = Symbol('jobs:event-redaction');

export const ADMIN_PATH = Symbol('jobs:admin-path');

/** The Swagger tag of every admin route, to filter the host's document by. */
export const ADMIN_TAG = 'jobs';

/** The host's platform parses a body before any route runs, and refuses one over its limit with 413. */
export const BODY_LIMIT_NOTE =
  "the host's JSON body limit (100 kB by default in Express, raised with `app.useBodyParser('json', { limit })`; 1 MiB in Fastify)";
