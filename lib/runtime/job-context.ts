import { Logger, type LoggerService } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobContext } from '../interfaces/job-context.interface.js';
import type { JobEventBus } from './job-event.bus.js';
import { jobEvents } from './job-events.js';
import { fromQueueId } from '../policy/job-ids.js';

/** The context of one attempt; built per job, so it holds only references and creates its logger on first use. */
export class RunningJobContext<TData> implements JobContext<TData> {
  private _logger?: LoggerService;

  constructor(
    private readonly job: Job,
    readonly data: TData,
    readonly signal: AbortSignal,
    private readonly bus: JobEventBus,
  ) {}

  get id(): string {
    return fromQueueId(this.job.id!);
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
    await this.job.updateProgress(value);
    this.bus.publish(jobEvents.progress(this, value, this.attempt));
  }

  async log(line: string): Promise<void> {
    await this.job.log(line);
    this.bus.publish(jobEvents.log(this, line, this.attempt));
  }

  async childResults<T = unknown>(): Promise<Record<string, T>> {
    const values = await this.job.getChildrenValues<T>();
    // BullMQ keys children by their full key (prefix:queue:id); the id is what users hold.
    return Object.fromEntries(Object.entries(values).map(([key, value]) => [fromQueueId(key.slice(key.lastIndexOf(':') + 1)), value]));
  }
}
