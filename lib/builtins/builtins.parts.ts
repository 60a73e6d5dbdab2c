import type { DynamicModule, Provider } from '@nestjs/common';
import { builtinOn as on, type JobsBuiltinsOptions } from './builtins.options.js';
import { httpProviders } from './http/http.providers.js';
import { logProviders } from './log/log.providers.js';
import { mailProviders } from './mail/mail.providers.js';
import { sshProviders } from './ssh/ssh.providers.js';

/** What `builtins` adds: per enabled type, its resolved options and its processor, registered like any `@JobProcessor`. */
export function builtinsParts(builtins: JobsBuiltinsOptions): Pick<DynamicModule, 'providers'> {
  const providers: Provider[] = [];
  if (on(builtins.http)) providers.push(...httpProviders(builtins.http));
  if (on(builtins.mail)) providers.push(...mailProviders(builtins.mail));
  if (on(builtins.ssh)) providers.push(...sshProviders(builtins.ssh));
  if (on(builtins.log)) providers.push(...logProviders(builtins.log));
  return { providers };
}
