import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { BACKOFF_TYPE_PREFIX } from '../jobs.constants.js';
import type { JobTypeInfo } from '../interfaces/job-info.interface.js';
import type { RegisteredJob } from './job-registry.js';

/** What a caller needs to enqueue a job by hand: its queue, its effective defaults and its payload's JSON Schema. */
export function describeJob(job: RegisteredJob): JobTypeInfo {
  const { attempts, timeout, priority, backoff } = job.baseOptions;
  const info: JobTypeInfo = { name: job.name, queue: job.queue, kind: job.kind, attempts, timeout, priority: priority || undefined };
  if (backoff && typeof backoff === 'object') {
    info.backoff = { type: String(backoff.type).replace(BACKOFF_TYPE_PREFIX, ''), delay: backoff.delay ?? 0, jitter: backoff.jitter };
  }
  if (job.options.schema) info.schema = targetConstructorToSchema(job.options.schema);
  return info;
}
