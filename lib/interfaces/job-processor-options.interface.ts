import type { Type } from '@nestjs/common';
import type { JobPriority, JobRetryOptions } from './job-options.interface.js';

export interface JobProcessorOptions extends JobRetryOptions {
  /** Queue the job runs on. Default `default`. */
  queue?: string;
  /** Default priority of jobs of this name. */
  priority?: JobPriority;
  /** Raises the concurrency of this processor's queue to at least this, unless the queue's options set it. */
  concurrency?: number;
  /** A class-validator class: payloads that fail it are refused at enqueue, and the handler receives an instance of it. */
  schema?: Type<object>;
}

/** What `@JobProcessor` records on its class. */
export interface JobProcessorMetadata {
  name: string;
  options: JobProcessorOptions;
}
