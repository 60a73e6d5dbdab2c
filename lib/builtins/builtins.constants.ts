/** Job names of the built-in job types: what callers pass to `JobService.add` and what the admin `types` route lists. */
export const BUILTIN_JOBS = {
  http: 'http.request',
  mail: 'mail.send',
  ssh: 'ssh.command',
  log: 'log.message',
} as const;

/** One queue per built-in by default, so a slow SSH command never holds up HTTP calls or mail. */
export const BUILTIN_QUEUES = {
  http: 'builtin.http',
  mail: 'builtin.mail',
  ssh: 'builtin.ssh',
  log: 'builtin.log',
} as const;

export const HTTP_OPTIONS = Symbol('JOBS_BUILTIN_HTTP_OPTIONS');
export const MAIL_OPTIONS = Symbol('JOBS_BUILTIN_MAIL_OPTIONS');
export const SSH_OPTIONS = Symbol('JOBS_BUILTIN_SSH_OPTIONS');
