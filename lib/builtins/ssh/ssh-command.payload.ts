import { IsIn, IsNotEmpty, IsOptional, IsString, ValidateBy, buildMessage } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ExactSchema } from '../payload-schema.js';
import { IsDuration } from '../payload-validators.js';
import { ENV_NAME } from './shell-command.js';

/** Payload of `ssh.command`. */
export class SshCommandPayload {
  @IsString()
  @JSONSchema({ description: 'Alias of a host in builtins.ssh.hosts.' })
  host!: string;

  @IsString()
  @IsNotEmpty()
  @JSONSchema({ description: 'Run by the remote user’s shell.' })
  command!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  workingDirectory?: string;

  @IsOptional()
  @ValidateBy({
    name: 'isEnvironment',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.entries(v).every(([name, value]) => ENV_NAME.test(name) && typeof value === 'string'),
      defaultMessage: buildMessage(() => '$property must map variable names ([A-Za-z_][A-Za-z0-9_]*) to strings'),
    },
  })
  @ExactSchema({ type: 'object', additionalProperties: { type: 'string' }, description: 'Variable names match [A-Za-z_][A-Za-z0-9_]*.' })
  env?: Record<string, string>;

  @IsOptional()
  @IsDuration()
  @JSONSchema({ description: 'Milliseconds the command may run; then its channel and connection are closed.' })
  timeout?: number;
}

/** The payload as this module's options shape it: `host` must be one of the configured aliases. */
export function sshPayloadSchema(aliases: string[]): typeof SshCommandPayload {
  class ConfiguredSshCommandPayload extends SshCommandPayload {}
  IsIn(aliases, { message: `host must be one of the aliases in builtins.ssh.hosts: ${aliases.join(', ')}` })(
    ConfiguredSshCommandPayload.prototype,
    'host',
  );
  JSONSchema({ enum: aliases })(ConfiguredSshCommandPayload.prototype, 'host');
  return ConfiguredSshCommandPayload;
}

/** What history keeps of a command that exited 0. */
export interface SshCommandResult {
  host: string;
  exitCode: number;
  /** The last `maxOutputBytes` of each stream. */
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}
