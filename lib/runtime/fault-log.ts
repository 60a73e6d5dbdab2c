import type { LoggerService } from '@nestjs/common';

/** A fault told once, and its end once, however often it repeats in between: never a flood of warnings. */
export class FaultLog {
  private failures = 0;

  constructor(
    private readonly logger: LoggerService,
    /** What fails, as the start of a sentence: `Job history recovery`. */
    private readonly what: string,
  ) {}

  /** Failures in a row, for a backoff. */
  get count(): number {
    return this.failures;
  }

  failed(err: Error): void {
    if (this.failures++ === 0) this.logger.warn(`${this.what} failed (${err.message}); retrying.`);
  }

  succeeded(): void {
    if (!this.failures) return;
    this.logger.log(`${this.what} is running again after ${this.failures} failure(s).`);
    this.failures = 0;
  }
}
