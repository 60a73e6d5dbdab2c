import type { Provider } from '@nestjs/common';
import { BUILTIN_JOBS, BUILTIN_QUEUES, MAIL_OPTIONS } from '../builtins.constants.js';
import { builtinProcessor } from '../builtin-processor.js';
import { resolveMailOptions, type MailBuiltinOptions } from './mail.options.js';
import { MailSendJob } from './mail-send.job.js';
import { mailPayloadSchema } from './mail-send.payload.js';

export function mailProviders(given: MailBuiltinOptions): Provider[] {
  const options = resolveMailOptions(given);
  const schema = mailPayloadSchema(options);
  const processor = builtinProcessor(
    MailSendJob,
    BUILTIN_JOBS.mail,
    { queue: BUILTIN_QUEUES.mail, ...options.job, schema },
    'builtins.mail',
  );
  return [{ provide: MAIL_OPTIONS, useValue: options }, processor];
}
