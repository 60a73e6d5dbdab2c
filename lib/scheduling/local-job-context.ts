import type { AppEventOutlet } from '../runtime/app-event.outlet.js';
import type { JobEventBus } from '../runtime/job-event.bus.js';
import { AttemptContext, type AttemptSource } from '../runtime/job-context.js';
import { jobEvents } from '../runtime/job-events.js';

/** The context of a local cron run: no queue behind it, one attempt, progress and log lines go to events and the logger. */
export class LocalJobContext<TData> extends AttemptContext<TData, AttemptSource> {
  constructor(id: string, name: string, queue: string, data: TData, signal: AbortSignal, bus: JobEventBus, outlet: AppEventOutlet) {
    super({ id, name, queueName: queue, attemptsMade: 0, opts: { attempts: 1 } }, data, signal, bus, outlet);
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
