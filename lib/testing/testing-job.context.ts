import { AttemptContext } from '../runtime/job-context.js';
import { jobEvents } from '../runtime/job-events.js';
import type { TestingJob } from './testing-job.js';

/** The context of one attempt in the testing mode: progress and log lines become events, as in a real run. */
export class TestingJobContext<TData> extends AttemptContext<TData, TestingJob> {
  /** Lines given to `log`, oldest first. */
  readonly logs: string[] = [];

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
