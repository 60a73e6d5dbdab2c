import { Inject, Injectable, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { JOBS_OPTIONS } from '../jobs.constants.js';
import { JobPayloadTooLargeError, JobPayloadValidationError, UnknownJobError } from '../jobs.errors.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import type { JobHandle } from '../interfaces/job-info.interface.js';
import type { JobAddOptions } from '../interfaces/job-options.interface.js';
import { flattenErrors } from '../policy/field-errors.js';
import { inputShapeProblem } from '../policy/input-shape.js';
import { fromQueueId } from '../policy/job-ids.js';
import { storedJobOptions, type StoredJobOptions } from '../policy/job-options.policy.js';
import { JobRegistry, type RegisteredJob } from './job.registry.js';

export interface JobRequest {
  job: RegisteredJob;
  data: unknown;
  opts: StoredJobOptions;
}

/** What reaches a queue: a built request, or one the outbox relays (whose job name need not be registered there). */
export type QueuedRequest = Pick<JobRequest, 'data' | 'opts'> & { job: Pick<RegisteredJob, 'name' | 'queue'> };

/** The handle of a request before it reaches its queue (its job id is always set by `build`). */
export const handleOfRequest = (r: QueuedRequest): JobHandle => ({ id: fromQueueId(r.opts.jobId!), name: r.job.name, queue: r.job.queue });

/** Turns `add(name, data, options)` into what BullMQ stores, refusing bad input before anything reaches a queue. */
@Injectable()
export class JobRequestBuilder {
  constructor(
    private readonly registry: JobRegistry,
    @Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions,
  ) {}

  async build(name: string, data: unknown, options: JobAddOptions = {}): Promise<JobRequest> {
    const job = this.registry.get(name);
    if (!job) throw new UnknownJobError(name, this.registry.names());
    await this.checkPayload(name, data, job.options.schema);
    return { job, data, opts: storedJobOptions(job.baseOptions, options) };
  }

  /** The checks a payload passes before it is queued, for jobs and for application events (named `name` in errors). */
  async checkPayload(name: string, data: unknown, schema: Type<object> | undefined): Promise<void> {
    // Shape and size first: both are cheap, and a huge or deep payload must not reach class-transformer. Keys such as
    // `__proto__` are refused where a schema reads the payload, as class-transformer would drop them unseen.
    const shape = inputShapeProblem(data, this.options.inputLimits, { forbidPrototypeKeys: !!schema });
    if (shape) {
      const field = shape.field || '(payload)';
      throw new JobPayloadValidationError(name, [{ field, constraints: { [shape.constraint]: `${field} ${shape.message}` } }]);
    }
    const size = Buffer.byteLength(JSON.stringify(data ?? null));
    if (size > this.options.maxPayloadBytes) throw new JobPayloadTooLargeError(name, size, this.options.maxPayloadBytes);
    if (schema) await this.validatePayload(name, schema, data);
  }

  private async validatePayload(name: string, schema: Type<object>, data: unknown): Promise<void> {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new JobPayloadValidationError(name, [{ field: '(payload)', constraints: { isObject: 'payload must be an object' } }]);
    }
    const instance: object = plainToInstance(schema, data);
    const errors = await validate(instance, { forbidUnknownValues: true });
    if (errors.length) throw new JobPayloadValidationError(name, flattenErrors(errors));
  }
}
