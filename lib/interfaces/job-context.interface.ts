import type { LoggerService } from '@nestjs/common';
import type { EmitOptions } from './emit-options.interface.js';

/** What a handler knows about the attempt it runs, and how it reports back. */
export interface JobContext<TData = unknown> {
  readonly id: string;
  readonly name: string;
  readonly queue: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly data: TData;
  /** Aborted on timeout, on cancel and when the application shuts down past `shutdownTimeout`. */
  readonly signal: AbortSignal;
  readonly logger: LoggerService;
  progress(value: number | object): Promise<void>;
  /** Appends a line to the job's log (kept by BullMQ, shown in Bull Board). */
  log(line: string): Promise<void>;
  /** In a flow's parent: the results of its children, keyed by child job id. */
  childResults<T = unknown>(): Promise<Record<string, T>>;
  /** Emits an application event, as `AppEvents.emit` does (needs the `events` option); resolves with its id. */
  emit(name: string, payload?: unknown, options?: EmitOptions): Promise<string>;
}
