import { Logger, type LoggerService } from '@nestjs/common';
import type { JobContext } from '../interfaces/job-context.interface.js';

/** A `JobContext` for calling a handler's `handle` directly, and what the handler did with it. */
export interface TestJobContext<TData> extends JobContext<TData> {
  /** Lines the handler gave to `log`, oldest first. */
  readonly logs: string[];
  /** Values the handler gave to `progress`, oldest first. */
  readonly progressUpdates: Array<number | object>;
  /** Application events the handler gave to `emit`, oldest first. */
  readonly emitted: Array<{ name: string; payload: unknown; source?: string }>;
  /** Aborts `signal`, as a timeout, a cancel or shutdown would. */
  abort(reason?: unknown): void;
}

export interface TestJobContextOptions {
  id?: string;
  name?: string;
  queue?: string;
  attempt?: number;
  maxAttempts?: number;
  logger?: LoggerService;
  /** What `childResults()` returns, for a flow's parent. */
  childResults?: Record<string, unknown>;
}

/**
 * A context for unit-testing a handler alone, with no module and no queue: `await new MyJob(deps).handle(data,
 * createJobContext(data))`, then assert on the result and on `ctx.logs` / `ctx.progressUpdates`.
 */
export function createJobContext<TData>(data: TData, options: TestJobContextOptions = {}): TestJobContext<TData> {
  const controller = new AbortController();
  const { id = 'test-job', name = 'test', queue = 'default', attempt = 1, maxAttempts = Math.max(attempt, 1) } = options;
  const logs: string[] = [];
  const progressUpdates: Array<number | object> = [];
  const emitted: TestJobContext<TData>['emitted'] = [];
  return {
    id,
    name,
    queue,
    attempt,
    maxAttempts,
    data,
    signal: controller.signal,
    logger: options.logger ?? new Logger(`${name}#${id}`),
    logs,
    progressUpdates,
    emitted,
    abort: (reason?: unknown) => controller.abort(reason),
    progress: async (value) => void progressUpdates.push(value),
    log: async (line) => void logs.push(line),
    childResults: async <T>() => (options.childResults ?? {}) as Record<string, T>,
    emit: async (name, payload, emitOptions) => {
      emitted.push({ name, payload, source: emitOptions?.source });
      return `test-event-${emitted.length}`;
    },
  };
}
