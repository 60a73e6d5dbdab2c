import type { LoggerService } from '@nestjs/common';
import type { AppEventContext, AppEventInfo, EmitOptions } from '../interfaces/app-events.interface.js';
import type { JobContext } from '../interfaces/job-context.interface.js';

/** A delivery's context: the attempt's own context, with the payload as `data` and the event it delivers. */
export class AppEventDeliveryContext<TPayload> implements AppEventContext<TPayload> {
  constructor(
    private readonly run: JobContext,
    readonly data: TPayload,
    readonly event: AppEventInfo,
  ) {}

  get id(): string {
    return this.run.id;
  }
  get name(): string {
    return this.run.name;
  }
  get queue(): string {
    return this.run.queue;
  }
  get attempt(): number {
    return this.run.attempt;
  }
  get maxAttempts(): number {
    return this.run.maxAttempts;
  }
  get signal(): AbortSignal {
    return this.run.signal;
  }
  get logger(): LoggerService {
    return this.run.logger;
  }
  progress(value: number | object): Promise<void> {
    return this.run.progress(value);
  }
  log(line: string): Promise<void> {
    return this.run.log(line);
  }
  childResults<T = unknown>(): Promise<Record<string, T>> {
    return this.run.childResults<T>();
  }
  emit(name: string, payload?: unknown, options?: EmitOptions): Promise<string> {
    return this.run.emit(name, payload, options);
  }
}
