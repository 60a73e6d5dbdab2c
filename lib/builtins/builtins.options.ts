import type { HttpBuiltinOptions } from './http/http.options.js';
import type { LogBuiltinOptions } from './log/log.options.js';
import type { MailBuiltinOptions } from './mail/mail.options.js';
import type { SshBuiltinOptions } from './ssh/ssh.options.js';

/** The built-in job types to register; each is off unless given. */
export interface JobsBuiltinsOptions {
  /** `http.request`: `true` for the defaults. */
  http?: HttpBuiltinOptions | boolean;
  /** `mail.send`: needs a transport (`smtp` or `transport`); uses the `nodemailer` package. */
  mail?: MailBuiltinOptions;
  /** `ssh.command`: needs `hosts`; uses the `ssh2` package. */
  ssh?: SshBuiltinOptions;
  /** `log.message`: `true` for the defaults. */
  log?: LogBuiltinOptions | boolean;
}

/** A built-in given as options or `true` is on; absent or `false`, off. */
export const builtinOn = <T>(given: T | boolean | undefined): given is T | true => given !== undefined && given !== false;

/** Whether any built-in is on. */
export const builtinsEnabled = (builtins: JobsBuiltinsOptions | undefined): builtins is JobsBuiltinsOptions =>
  !!builtins && Object.values(builtins).some(builtinOn);
