/** Injection tokens of the WebSocket gateway. */
export const GATEWAY_OPTIONS = Symbol('JOBS_GATEWAY_OPTIONS');
export const GATEWAY_REDACTION = Symbol('JOBS_GATEWAY_REDACTION');

export const DEFAULT_GATEWAY_PATH = '/jobs/ws';

/** What one socket may ask of the server; each bounds memory or the work done per event. */
export const GATEWAY_LIMITS = {
  /** Largest frame a client may send; a bigger one closes the socket with 1009 (ws's `maxPayload`). */
  maxMessageBytes: 64 * 1024,
  maxSubscriptions: 100,
  /** Entries per list of a subscription (`jobIds`, `names`, `queues`, `types`). */
  maxFilterValues: 1_000,
  maxIdLength: 100,
  /** Events queued for a client that reads too slowly; past this the socket closes with 1013. */
  maxBufferedBytes: 4 * 1024 * 1024,
  /** A socket that answers no ping within this interval is dropped (a vanished browser, a cut network). */
  heartbeatMs: 30_000,
  /** Time clients get to answer the close handshake at shutdown before their sockets are cut. */
  closeGraceMs: 2_000,
} as const;

/** Close codes of RFC 6455 the gateway sends. */
export const CLOSE_CODES = { goingAway: 1001, tryAgainLater: 1013 } as const;
