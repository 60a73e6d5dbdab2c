import type { BuiltinJobOptions } from '../builtin-job.options.js';

/** `log.message` has no settings of its own beyond where its jobs run. */
export type LogBuiltinOptions = BuiltinJobOptions;

/** The logger context of messages that name no category. */
export const DEFAULT_LOG_CATEGORY = 'log.message';
