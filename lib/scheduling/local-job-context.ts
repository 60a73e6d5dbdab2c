import { Logger, type LoggerService } from '@nestjs/common';
import type { JobContext } from '../interfaces/job-context.interface.js';
import type { JobEventBus } from '../runtime/job-event.bus.js';
import { jobEvents } from '../runtime/job-events.js';

/** The context of a local cron run: no queue behind it, one attempt, progress and log lines go to events and the logger. */
export class LocalJobContext<TData> implements JobContext<TData> {
  readonly attempt = 1;
  readonly maxAttempts = 1;
  readonly logger: LoggerService;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly queue: string,
    readonly data: TData,
    readonly signal: AbortSignal,
    private readonly bus: JobEventBus,
  ) {
    this.logger = new Logger(`${name}#${id}`);
  }

  async progress(value: number | object): Promise<void> {
    this.bus.publish(jobEvents.progress(this, value, 1));
  }

  async log(line: string): Promise<void> {
    this.logger.log(line);
    this.bus.publish(jobEvents.log(this, line, 1));
  }

  async childResults<T>(): Promise<Record<string, T>> {
    return {};
  }
}
