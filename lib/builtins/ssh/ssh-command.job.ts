import { Inject, type OnModuleInit } from '@nestjs/common';
import { UnrecoverableJobError } from '../../jobs.errors.js';
import type { JobContext } from '../../interfaces/job-context.interface.js';
import type { JobHandler } from '../../interfaces/job-handler.interface.js';
import { SSH_OPTIONS } from '../builtins.constants.js';
import { SshCommandError } from '../builtins.errors.js';
import { importOptional } from '../../optional-import.js';
import { commandLine } from './shell-command.js';
import type { ResolvedSshOptions } from './ssh.options.js';
import type { SshCommandPayload, SshCommandResult } from './ssh-command.payload.js';
import { runRemote, type Ssh2Module } from './ssh-session.js';

const STDERR_TAIL = 500;

/** `ssh.command`: runs one command on a configured host over a fresh connection; any exit but 0 fails the attempt. */
export class SshCommandJob implements JobHandler<SshCommandPayload, SshCommandResult>, OnModuleInit {
  private ssh?: Ssh2Module;

  constructor(@Inject(SSH_OPTIONS) private readonly options: ResolvedSshOptions) {}

  async onModuleInit(): Promise<void> {
    this.ssh = await importOptional<Ssh2Module>('ssh2', 'builtins.ssh');
  }

  async handle(data: SshCommandPayload, ctx: JobContext): Promise<SshCommandResult> {
    const target = this.options.hosts.get(data.host);
    // Validated at enqueue, but the alias may have left builtins.ssh.hosts since the job was queued.
    if (!target)
      throw new UnrecoverableJobError(
        `SSH host alias "${data.host}" is not in builtins.ssh.hosts (any more); known: ${[...this.options.hosts.keys()].join(', ')}.`,
      );
    const deadline = data.timeout ? AbortSignal.timeout(data.timeout) : undefined;
    const signal = deadline ? AbortSignal.any([ctx.signal, deadline]) : ctx.signal;
    const line = commandLine(data.command, data.workingDirectory, data.env);
    let outcome;
    try {
      outcome = await runRemote(this.ssh!, target, line, this.options.maxOutputBytes, signal);
    } catch (err) {
      if (!ctx.signal.aborted && deadline?.aborted) {
        throw new SshCommandError(`Command on SSH host "${data.host}" timed out after ${data.timeout} ms; its channel was closed.`, null);
      }
      throw err;
    }
    const { exitCode, exitSignal, stdout, stderr } = outcome;
    if (exitCode !== 0) {
      const how = exitCode === null ? `was ended by signal ${exitSignal ?? '(unknown)'}` : `exited with code ${exitCode}`;
      const tail = stderr.text().slice(-STDERR_TAIL).trim();
      throw new SshCommandError(`Command on SSH host "${data.host}" ${how}${tail ? `: ${tail}` : ''}`, exitCode);
    }
    return {
      host: data.host,
      exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      stdoutTruncated: stdout.truncated,
      stderrTruncated: stderr.truncated,
    };
  }
}
