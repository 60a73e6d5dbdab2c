import type { Type } from '@nestjs/common';
import { JobProcessor } from '../decorators/job-processor.decorator.js';
import type { JobHandler } from '../interfaces/job-handler.interface.js';
import type { JobProcessorOptions } from '../interfaces/job-processor-options.interface.js';

/**
 * A built-in is an ordinary `@JobProcessor`, found by the explorer like any other. Its queue, defaults and schema come
 * from module options, so each module gets a subclass carrying them and the shared handler class stays unmarked.
 * The subclass is named for its option path (`builtins.http`), which start-up messages then show.
 */
export function builtinProcessor<T extends Type<JobHandler<never, unknown>>>(
  handler: T,
  name: string,
  options: JobProcessorOptions,
  label: string,
): T {
  const processor = class extends handler {};
  Object.defineProperty(processor, 'name', { value: label });
  JobProcessor(name, options)(processor);
  return processor;
}
