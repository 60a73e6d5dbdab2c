import type { JobProcessorOptions } from '../interfaces/job-processor-options.interface.js';

/** Where a built-in's jobs run and their defaults, as on any `@JobProcessor`; unset ones take the module's defaults. */
export type BuiltinJobOptions = Omit<JobProcessorOptions, 'schema'>;
