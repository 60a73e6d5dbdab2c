import type { Provider } from '@nestjs/common';
import { BUILTIN_JOBS, BUILTIN_QUEUES, SSH_OPTIONS } from '../builtins.constants.js';
import { builtinProcessor } from '../builtin-processor.js';
import { resolveSshOptions, type SshBuiltinOptions } from './ssh.options.js';
import { SshCommandJob } from './ssh-command.job.js';
import { sshPayloadSchema } from './ssh-command.payload.js';

export function sshProviders(given: SshBuiltinOptions): Provider[] {
  const options = resolveSshOptions(given);
  const schema = sshPayloadSchema([...options.hosts.keys()]);
  const processor = builtinProcessor(
    SshCommandJob,
    BUILTIN_JOBS.ssh,
    { queue: BUILTIN_QUEUES.ssh, ...options.job, schema },
    'builtins.ssh',
  );
  return [{ provide: SSH_OPTIONS, useValue: options }, processor];
}
