import type { Provider } from '@nestjs/common';
import { BUILTIN_JOBS, BUILTIN_QUEUES, SSH_OPTIONS } from '../builtins.constants.js';
import { builtinProcessor } from '../builtin-processor.js';
import { JOBS_OPTIONS } from '../../jobs.constants.js';
import type { ResolvedJobsOptions } from '../../jobs.options.js';
import { resolveSshOptions, resolveSshShape, type SshBuiltinOptions } from './ssh.options.js';
import { SshCommandJob } from './ssh-command.job.js';
import { sshPayloadSchema } from './ssh-command.payload.js';

export function sshProviders(given: SshBuiltinOptions): Provider[] {
  const shape = resolveSshShape(given);
  const schema = sshPayloadSchema(shape.aliases);
  const processor = builtinProcessor(SshCommandJob, BUILTIN_JOBS.ssh, { queue: BUILTIN_QUEUES.ssh, ...shape.job, schema }, 'builtins.ssh');
  // The hosts are checked at start-up, with what `forRootAsync`'s factory gave (`extraSettings.builtins.ssh`).
  const options = {
    provide: SSH_OPTIONS,
    useFactory: (jobs: ResolvedJobsOptions) => resolveSshOptions(given, jobs.extraSettings.builtins?.ssh),
    inject: [JOBS_OPTIONS],
  };
  return [options, processor];
}
