import type { JobContext } from './job-context.interface.js';

/** A class decorated with `@JobProcessor` implements this; its payload and result types flow into `JobService.add`. */
export interface JobHandler<TData = unknown, TResult = unknown> {
  handle(data: TData, ctx: JobContext<TData>): Promise<TResult> | TResult;
}

/**
 * Augment this interface to type `JobService.add` by job name:
 * `declare module 'nestjs-jobs' { interface JobHandlers { 'email.send': SendEmailJob } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobHandlers {}

export type JobDataOf<H> = H extends JobHandler<infer D, unknown> ? D : unknown;
export type JobResultOf<H> = H extends JobHandler<unknown, infer R> ? Awaited<R> : unknown;

/** Known job names, or any string when `JobHandlers` is not augmented. */
export type JobName = keyof JobHandlers extends never ? string : Extract<keyof JobHandlers, string> | (string & {});
export type JobData<N> = N extends keyof JobHandlers ? JobDataOf<JobHandlers[N]> : unknown;
