import type { LoggerService } from '@nestjs/common';
import { within } from '../within.js';

/**
 * What a lost or failing connection looks like from BullMQ's objects, by error code or message, with the short name
 * the summary counts it under. A job whose lock lapsed while its worker could not reach the backend fails to finish
 * with "Missing lock" or "Lock mismatch": stalled-job recovery runs it again, so that is a fault of the outage too,
 * not lost work.
 */
const FAULTS: Array<[RegExp, string]> = [
  [/Missing lock for job|Lock mismatch for job/, 'lock lost'],
  [/\b(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|EAI_AGAIN)\b/, '$1'],
  [/Connection is closed|Stream isn't writeable|Connection ended|Connection terminated|socket hang up/i, 'connection closed'],
  [
    /terminating connection|database system is (shutting down|starting up|in recovery)|Client has encountered a connection error/i,
    'server restarting',
  ],
  [/timeout exceeded when trying to connect|Connection timeout/i, 'connect timeout'],
  [
    /^(CLUSTERDOWN|MOVED|ASK|TRYAGAIN|READONLY|LOADING|MASTERDOWN)\b|ClusterAllFailedError|All sentinels are unreachable|Failed to refresh slots/,
    'failover',
  ],
];

const CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** The short name of a connection fault, or undefined for any other error (which is logged as it comes). */
export function faultKind(err: Error & { code?: unknown }): string | undefined {
  if (typeof err.code === 'string' && CODES.has(err.code)) return err.code;
  // PostgreSQL's class 08 (connection exception) and 57P0x (the server shutting down or starting up).
  if (typeof err.code === 'string' && /^(08|57P0)/.test(err.code)) return 'server restarting';
  for (const [pattern, name] of FAULTS) {
    const match = pattern.exec(err.message ?? '');
    if (match) return name.replace('$1', match[1] ?? '');
  }
  return undefined;
}

/** How long the backend must answer without a new fault before the outage is over: reconnects come in a burst. */
const QUIET_MS = 2_000;
const PROBE_EVERY_MS = 1_000;
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Connection faults of all BullMQ objects of one backend, told as one warning when the first comes and one line when
 * the backend answers again, with what happened in between counted, instead of an error line per socket and retry.
 * Any other error is logged as an error, at once.
 */
export class ConnectionFaults {
  private outage?: { since: number; last: number; counts: Map<string, number> };
  private probing = false;
  private closed = false;

  constructor(
    private readonly logger: LoggerService,
    /** Where the backend is, for the messages. */
    private readonly location: string,
    /** Anything that needs the backend to answer; resolves once it does. */
    private readonly probe: () => Promise<unknown>,
  ) {}

  report(source: string, err: Error): void {
    const kind = faultKind(err);
    // Sockets closing at shutdown are not an outage.
    if (kind && this.closed) return;
    if (!kind) {
      this.logger.error(`${source}: ${err.message}`);
      return;
    }
    const now = Date.now();
    if (!this.outage) {
      this.outage = { since: now, last: now, counts: new Map() };
      this.logger.warn(
        `Connection fault with ${this.location} (${kind}: ${err.message}, in ${source}); reconnecting. Jobs keep their place and ` +
          'a job whose lock lapses runs again; further faults are counted until the backend answers again.',
      );
    }
    this.outage.last = now;
    this.outage.counts.set(kind, (this.outage.counts.get(kind) ?? 0) + 1);
    if (!this.probing) void this.watchRecovery();
  }

  /** Stops probing and counting: the objects are closing, and faults while they do are not an outage. */
  close(): void {
    this.closed = true;
  }

  private async watchRecovery(): Promise<void> {
    this.probing = true;
    try {
      while (this.outage && !this.closed) {
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS).unref());
        let answered = false;
        await within(
          this.probe().then(() => (answered = true)),
          PROBE_TIMEOUT_MS,
        );
        if (answered && this.outage && Date.now() - this.outage.last >= QUIET_MS) this.recovered();
      }
    } finally {
      this.probing = false;
    }
  }

  private recovered(): void {
    const { since, counts } = this.outage!;
    this.outage = undefined;
    const seconds = ((Date.now() - since) / 1000).toFixed(1);
    const tally = [...counts].map(([kind, n]) => `${n} × ${kind}`).join(', ');
    this.logger.log(`Connection with ${this.location} is working again after ${seconds} s; faults meanwhile: ${tally}.`);
  }
}
