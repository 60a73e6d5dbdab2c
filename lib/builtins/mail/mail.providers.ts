import type { Provider } from '@nestjs/common';
import { BUILTIN_JOBS, BUILTIN_QUEUES, MAIL_OPTIONS } from '../builtins.constants.js';
import { builtinProcessor } from '../builtin-processor.js';
import { JOBS_OPTIONS } from '../../jobs.constants.js';
import type { ResolvedJobsOptions } from '../../jobs.options.js';
import { resolveMailOptions, resolveMailShape, type MailBuiltinOptions } from './mail.options.js';
import { MailSendJob } from './mail-send.job.js';
import { mailPayloadSchema } from './mail-send.payload.js';

export function mailProviders(given: MailBuiltinOptions): Provider[] {
  const shape = resolveMailShape(given);
  const schema = mailPayloadSchema(shape);
  const processor = builtinProcessor(MailSendJob, BUILTIN_JOBS.mail, { queue: BUILTIN_QUEUES.mail, ...shape.job, schema }, 'builtins.mail');
  // The transport is resolved at start-up, with what `forRootAsync`'s factory gave (`extraSettings.builtins.mail`).
  const options = {
    provide: MAIL_OPTIONS,
    useFactory: (jobs: ResolvedJobsOptions) => resolveMailOptions(given, jobs.extraSettings.builtins?.mail, shape),
    inject: [JOBS_OPTIONS],
  };
  return [options, processor];
}
