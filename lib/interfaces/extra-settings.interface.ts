import type { MailSmtpOptions, MailTransporter, SshHostOptions } from './builtin-connections.interface.js';
import type { JobsBoardOptions } from './jobs-admin.interface.js';

/**
 * Settings of the extras that `forRootAsync`'s factory may give, typically secrets read from `ConfigService`. Which
 * extras are on, and their shape (the SSH hosts' aliases, the mail sender and templates, routes, job options), stays
 * in the static options, which Nest needs before any factory runs; these are merged over them at start-up.
 */
export interface JobsExtraSettings {
  board?: { auth?: JobsBoardOptions['auth'] };
  builtins?: {
    mail?: { smtp?: Partial<MailSmtpOptions>; transport?: MailTransporter | Record<string, unknown> };
    /** By alias; each alias must be one of the static `builtins.ssh.hosts`. */
    ssh?: { hosts?: Record<string, Partial<SshHostOptions>> };
  };
}
