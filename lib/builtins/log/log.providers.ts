import type { Provider } from '@nestjs/common';
import { BUILTIN_JOBS, BUILTIN_QUEUES } from '../builtins.constants.js';
import { builtinProcessor } from '../builtin-processor.js';
import type { LogBuiltinOptions } from './log.options.js';
import { LogMessageJob } from './log-message.job.js';
import { LogMessagePayload } from './log-message.payload.js';

export function logProviders(given: LogBuiltinOptions | true): Provider[] {
  const job = given === true ? {} : given;
  return [
    builtinProcessor(LogMessageJob, BUILTIN_JOBS.log, { queue: BUILTIN_QUEUES.log, ...job, schema: LogMessagePayload }, 'builtins.log'),
  ];
}
