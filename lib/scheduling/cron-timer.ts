/** The longest delay Node's `setTimeout` keeps (about 24.8 days); above it the timer fires at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Calls `onTick` at each run time that `nextAfter` gives, one timeout at a time, re-armed after each tick. The next run
 * is counted from the later of the tick's scheduled time and now, as BullMQ does for a job scheduler: runs stay on the
 * schedule however late a timeout fires, and runs missed while the process was blocked or asleep are skipped, not
 * caught up. A wait longer than Node allows is chained.
 */
export class CronTimer {
  private handle?: NodeJS.Timeout;
  private armedFor?: Date;
  private running = false;

  constructor(
    private readonly nextAfter: (from: Date) => Date | undefined,
    private readonly onTick: (scheduledAt: Date) => void,
  ) {}

  /** The run the timer waits for; undefined when stopped or when the schedule has no run left. */
  get next(): Date | undefined {
    return this.armedFor;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(this.nextAfter(new Date()));
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = undefined;
  }

  private arm(at: Date | undefined): void {
    this.armedFor = at;
    if (!at || !this.running) return;
    const wait = at.getTime() - Date.now();
    this.handle =
      wait > MAX_TIMER_DELAY ? setTimeout(() => this.arm(at), MAX_TIMER_DELAY) : setTimeout(() => this.fire(at), Math.max(wait, 0));
  }

  private fire(at: Date): void {
    try {
      this.onTick(at);
    } finally {
      // `onTick` may have stopped the timer (its runs used up).
      if (this.running) this.arm(this.nextAfter(new Date(Math.max(at.getTime(), Date.now()))));
    }
  }
}
