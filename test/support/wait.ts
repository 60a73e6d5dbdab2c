import type { JobEvent, JobEventBus, JobEventOf, JobEventType } from '../../lib/index.js';

/** Polls `probe` until it returns a truthy value or the deadline passes; never a fixed sleep. */
export async function waitUntil<T>(probe: () => T | Promise<T>, timeout = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Records every lifecycle event from now on, and resolves waits on them. */
export class EventLog {
  readonly events: JobEvent[] = [];
  private waiters: Array<{ match: (e: JobEvent) => boolean; resolve: (e: JobEvent) => void }> = [];
  private readonly unsubscribe: () => void;

  constructor(bus: JobEventBus) {
    this.unsubscribe = bus.subscribe({ event: '*' }, (event) => {
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => !(w.match(event) && (w.resolve(event), true)));
    });
  }

  of<T extends JobEventType>(type: T, jobId?: string): Array<JobEventOf<T>> {
    return this.events.filter((e): e is JobEventOf<T> => e.type === type && (jobId === undefined || e.jobId === jobId));
  }

  /** Resolves with the first matching event (of any of the types, if several), already seen or still to come. */
  waitFor<T extends JobEventType>(type: T | T[], jobId?: string, timeout = 10_000): Promise<JobEventOf<T>> {
    const types: JobEventType[] = [type].flat();
    const match = (e: JobEvent): e is JobEventOf<T> => types.includes(e.type) && (jobId === undefined || e.jobId === jobId);
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`No "${types.join('/')}" event for ${jobId ?? 'any job'} within ${timeout} ms`)),
        timeout,
      );
      this.waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e as JobEventOf<T>)) });
    });
  }

  stop(): void {
    this.unsubscribe();
  }
}
