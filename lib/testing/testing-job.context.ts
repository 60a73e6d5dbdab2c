import { Logger, type LoggerService } from '@nestjs/common';
import type { JobContext } from '../interfaces/job-context.interface.js';
import type { JobEventBus } from '../runtime/job-event.bus.js';
import { jobEvents } from '../runtime/job-events.js';
import type { TestingJob } from './testing-job.js';

/** The context of one attempt in the testing mode: progress and log lines become events, as in a real run. */
export class TestingJobContext<TData> implements JobContext<TData> {
  private _logger?: LoggerService;
  /** Lines given to `log`, oldest first. */
  readonly logs: string[] = [];

  constructor(
    private readonly job: TestingJob,
    readonly data: TData,
    readonly signal: AbortSignal,
    private readonly bus: JobEventBus,
  ) {}

  get id(): string {
    return this.job.userId;
  }
  get name(): string {
    return this.job.name;
  }
  get queue(): string {
    return this.job.queueName;
  }
  get attempt(): number {
    return this.job.attemptsMade + 1;
  }
  get maxAttempts(): number {
    return this.job.opts.attempts ?? 1;
  }
  get logger(): LoggerService {
    return (this._logger ??= new Logger(`${this.job.name}#${this.id}`));
  }

  async progress(value: number | object): Promise<void> {
    this.job.progress = value;
    this.bus.publish(jobEvents.progress(this, value, this.attempt));
  }

  async log(line: string): Promise<void> {
    this.logs.push(line);
    this.bus.publish(jobEvents.log(this, line, this.attempt));
  }

  async childResults<T = unknown>(): Promise<Record<string, T>> {
    return Object.fromEntries(this.job.children.filter((c) => c.state === 'completed').map((c) => [c.userId, c.result as T]));
  }
}
