import type { targetConstructorToSchema } from 'class-validator-jsonschema';
import { BACKOFF_TYPE_PREFIX } from '../jobs.constants.js';
import type { JobTypeInfo } from '../interfaces/job-info.interface.js';
import type { RegisteredJob } from '../runtime/job.registry.js';

let toSchema: typeof targetConstructorToSchema | undefined;

/**
 * Loads the JSON Schema generator once some registered job has a payload schema: a tenth of a second of start-up that
 * applications without schemas need not pay.
 */
export async function prepareSchemas(jobs: RegisteredJob[]): Promise<void> {
  if (toSchema || !jobs.some((job) => job.options.schema)) return;
  ({ targetConstructorToSchema: toSchema } = await import('class-validator-jsonschema'));
}

/** What a caller needs to enqueue a job by hand: its queue, its effective defaults and its payload's JSON Schema. */
export function describeJob(job: RegisteredJob): JobTypeInfo {
  const { attempts, timeout, priority, backoff } = job.baseOptions;
  const info: JobTypeInfo = { name: job.name, queue: job.queue, kind: job.kind, attempts, timeout, priority: priority || undefined };
  if (backoff && typeof backoff === 'object') {
    info.backoff = { type: String(backoff.type).replace(BACKOFF_TYPE_PREFIX, ''), delay: backoff.delay ?? 0, jitter: backoff.jitter };
  }
  if (job.options.schema && toSchema) info.schema = toSchema(job.options.schema);
  return info;
}

/** Every registered job, described, sorted by name: `JobService.types()`. */
export function describeJobs(jobs: RegisteredJob[]): JobTypeInfo[] {
  return jobs.map(describeJob).sort((a, b) => a.name.localeCompare(b.name));
}
