import type { Provider } from '@nestjs/common';
import { BUILTIN_JOBS, BUILTIN_QUEUES, HTTP_OPTIONS } from '../builtins.constants.js';
import { builtinProcessor } from '../builtin-processor.js';
import { resolveHttpOptions, type HttpBuiltinOptions } from './http.options.js';
import { HttpRequestJob } from './http-request.job.js';
import { HttpRequestPayload } from './http-request.payload.js';

export function httpProviders(given: HttpBuiltinOptions | true): Provider[] {
  const options = resolveHttpOptions(given);
  const processor = builtinProcessor(
    HttpRequestJob,
    BUILTIN_JOBS.http,
    { queue: BUILTIN_QUEUES.http, ...options.job, schema: HttpRequestPayload },
    'builtins.http',
  );
  return [{ provide: HTTP_OPTIONS, useValue: options }, processor];
}
