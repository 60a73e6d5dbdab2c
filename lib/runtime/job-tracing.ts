import type { Job, Processor, Telemetry } from 'bullmq';
import { importIfInstalled } from '../optional-import.js';
import { fromQueueId } from '../policy/job-ids.js';

/**
 * What the module adds to the span BullMQ opens for each attempt (`process <queue>`), beside BullMQ's own
 * `bullmq.queue.name`, `bullmq.job.name`, `bullmq.job.id` (the id as stored) and, once the attempt ended,
 * `bullmq.job.attempts.made`.
 */
export const JOB_SPAN_ATTRIBUTES = {
  /** The job's id as the module shows it (`JobHandle.id`, `ctx.id`), which BullMQ may store escaped. */
  id: 'nestjs_jobs.job.id',
  /** The attempt the span runs, from 1 (`ctx.attempt`). */
  attempt: 'nestjs_jobs.job.attempt',
} as const;

/** The part of `@opentelemetry/api` read here. */
interface TraceApi {
  trace: { getActiveSpan(): { setAttributes(attributes: Record<string, string | number>): unknown } | undefined };
}

/**
 * The processor, with each attempt's span marked before the handler runs. BullMQ runs the processor inside that span,
 * so the handler is in it too; the span is read through `@opentelemetry/api`, loaded only with `telemetry` on. A
 * `Telemetry` not built on OpenTelemetry (the API not installed) keeps BullMQ's attributes only.
 */
export async function tracedProcessor(processor: Processor, telemetry: Telemetry | undefined): Promise<Processor> {
  if (!telemetry) return processor;
  const api = await importIfInstalled<TraceApi>('@opentelemetry/api');
  if (!api) return processor;
  const mark = (job: Job) =>
    api.trace.getActiveSpan()?.setAttributes({
      [JOB_SPAN_ATTRIBUTES.id]: fromQueueId(job.id!),
      [JOB_SPAN_ATTRIBUTES.attempt]: job.attemptsMade + 1,
    });
  return (job, token, signal) => {
    mark(job);
    return processor(job, token, signal);
  };
}
