import { Logger, type LoggerService } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { EmitOptions } from '../interfaces/emit-options.interface.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import type { AppEventOutlet } from './app-event.outlet.js';
import type { JobEventBus } from './job-event.bus.js';
import { JobsConfigurationError } from '../jobs.errors.js';
import { jobEvents } from './job-events.js';
import { fromQueueId } from '../policy/job-ids.js';

/** What an attempt's context reads of its job: a BullMQ `Job`, or the testing mode's job shaped like one. */
export interface AttemptSource {
  id?: string;
  name: string;
  queueName: string;
  attemptsMade: number;
  opts: { attempts?: number };
}

/** Who and which attempt a context is about; built per attempt, so it holds only references and makes its logger on first use. */
export abstract class AttemptContext<TData, TJob extends AttemptSource> implements JobContext<TData> {
  private _logger?: LoggerService;

  constructor(
    protected readonly job: TJob,
    readonly data: TData,
    readonly signal: AbortSignal,
    protected readonly bus: JobEventBus,
    private readonly outlet?: AppEventOutlet,
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

  emit(name: string, payload?: unknown, options?: EmitOptions): Promise<string> {
    if (!this.outlet) return Promise.reject(new JobsConfigurationError(`ctx.emit("${name}") is not available in this context.`));
    return this.outlet.emit(name, payload, options);
  }

  abstract progress(value: number | object): Promise<void>;
  abstract log(line: string): Promise<void>;
  abstract childResults<T = unknown>(): Promise<Record<string, T>>;
}

/** The context of one attempt a worker runs: progress, log lines and children's results are the queue's. */
export class RunningJobContext<TData> extends AttemptContext<TData, Job> {
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
