import { JobProcessor, type JobContext, type JobHandler } from 'nestjs-jobs';

/** Fails twice, then succeeds: shows retries with backoff. */
@JobProcessor('partner.sync', { attempts: 3, backoff: { type: 'exponential', delay: 500 } })
export class PartnerSyncJob implements JobHandler<{ partner: string }, string> {
  handle(data: { partner: string }, ctx: JobContext) {
    if (ctx.attempt < 3) throw new Error(`${data.partner} answered 503 (attempt ${ctx.attempt} of ${ctx.maxAttempts})`);
    return `synced ${data.partner}`;
  }
}
