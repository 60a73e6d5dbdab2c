import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isPositiveInt } from '../../option-checks.js';
import type { BuiltinJobOptions } from '../builtin-job.options.js';
import { badOption, checkPositiveInt } from '../builtin-option.checks.js';
import { isMailAddress } from '../payload-validators.js';
import type { MailSmtpOptions, MailTransporter } from '../../interfaces/builtin-connections.interface.js';
import type { JobsExtraSettings } from '../../interfaces/extra-settings.interface.js';

type MailSettings = NonNullable<NonNullable<JobsExtraSettings['builtins']>['mail']>;

export type { MailSmtpOptions, MailTransporter } from '../../interfaces/builtin-connections.interface.js';

/** A message with `{{path.to.value}}` placeholders, filled from the payload's `variables` (HTML-escaped in `html`). */
export interface MailTemplate {
  subject: string;
  text?: string;
  html?: string;
}

export interface MailBuiltinOptions extends BuiltinJobOptions {
  /** Send through this SMTP server. Exactly one of `smtp` and `transport`. */
  smtp?: MailSmtpOptions;
  /** A nodemailer `Transporter` the host made, or options for `nodemailer.createTransport`. */
  transport?: MailTransporter | Record<string, unknown>;
  /** Sender of messages whose payload names none. Without it, every payload must give `from`. */
  from?: string;
  /** Templates by name. */
  templates?: Record<string, MailTemplate>;
  /** A folder of templates: `<name>.subject.txt` with `<name>.txt` and/or `<name>.html`. Read at start-up. */
  templatesDir?: string;
  /** Total decoded bytes of a message's attachments. Default 256 KiB (payloads must also fit `maxPayloadBytes`). */
  maxAttachmentBytes?: number;
}

export type ResolvedMailTransport = { transporter: MailTransporter } | { create: Record<string, unknown> };

export interface ResolvedMailOptions {
  job: BuiltinJobOptions;
  transport: ResolvedMailTransport;
  from?: string;
  templates: Map<string, MailTemplate>;
  maxAttachmentBytes: number;
}

export const MAIL_DEFAULTS = { maxAttachmentBytes: 256 * 1024, concurrency: 2 };

const TEMPLATE_NAME = /^[\w.-]+$/;

function resolveTransport(smtp: Partial<MailSmtpOptions> | undefined, transport: MailBuiltinOptions['transport']): ResolvedMailTransport {
  if ((smtp === undefined) === (transport === undefined))
    badOption('mail', 'given exactly one of smtp and transport', smtp ? 'both' : 'neither');
  if (transport !== undefined) {
    if (typeof transport !== 'object' || transport === null)
      badOption('mail.transport', 'a nodemailer Transporter or transport options', transport);
    return typeof (transport as MailTransporter).sendMail === 'function'
      ? { transporter: transport as MailTransporter }
      : { create: transport as Record<string, unknown> };
  }
  if (typeof smtp?.host !== 'string' || !smtp.host) badOption('mail.smtp.host', 'a host name', smtp?.host);
  if (smtp.port !== undefined && !(isPositiveInt(smtp.port) && smtp.port < 65536)) badOption('mail.smtp.port', 'a port number', smtp.port);
  if (smtp.auth !== undefined && !(typeof smtp.auth?.user === 'string' && typeof smtp.auth.pass === 'string')) {
    badOption('mail.smtp.auth', '{ user, pass } strings', smtp.auth);
  }
  return { create: { ...smtp } };
}

function readTemplatesDir(dir: string): Record<string, MailTemplate> {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (err) {
    return badOption('mail.templatesDir', 'a readable folder', `${dir} (${(err as Error).message})`);
  }
  const found: Record<string, Partial<MailTemplate>> = {};
  for (const file of files) {
    const [, name, part] = /^(.+?)\.(subject\.txt|txt|html)$/.exec(file) ?? [];
    if (!name) continue;
    const key = part === 'subject.txt' ? 'subject' : part === 'txt' ? 'text' : 'html';
    const content = readFileSync(join(dir, file), 'utf8');
    (found[name] ??= {})[key] = key === 'subject' ? content.trim() : content;
  }
  return found as Record<string, MailTemplate>;
}

function checkTemplates(templates: Record<string, MailTemplate>): Map<string, MailTemplate> {
  for (const [name, t] of Object.entries(templates)) {
    if (!TEMPLATE_NAME.test(name)) badOption(`mail.templates.${name}`, 'named with letters, digits, "_", "-" or "."', name);
    if (typeof t?.subject !== 'string' || !t.subject) badOption(`mail.templates.${name}.subject`, 'a non-empty string', t?.subject);
    if (typeof t.text !== 'string' && typeof t.html !== 'string') badOption(`mail.templates.${name}`, 'given text or html', 'neither');
  }
  return new Map(Object.entries(templates));
}

/** What the static options decide (the payload's schema reads `from` and the templates), checked at definition. */
export type MailShape = Omit<ResolvedMailOptions, 'transport'>;

export function resolveMailShape(given: MailBuiltinOptions): MailShape {
  if (typeof given !== 'object' || given === null) badOption('mail', '{ smtp | transport, from?, templates? }', given);
  const { smtp: _smtp, transport: _transport, from, templates, templatesDir, maxAttachmentBytes, ...job } = given;
  if (from !== undefined && !isMailAddress(from)) badOption('mail.from', 'an e-mail address', from);
  if (templatesDir !== undefined && (typeof templatesDir !== 'string' || !templatesDir))
    badOption('mail.templatesDir', 'a folder path', templatesDir);
  return {
    job: { concurrency: MAIL_DEFAULTS.concurrency, ...job },
    from,
    // Inline templates win over files of the same name.
    templates: checkTemplates({ ...(templatesDir ? readTemplatesDir(templatesDir) : {}), ...templates }),
    maxAttachmentBytes: checkPositiveInt('mail.maxAttachmentBytes', maxAttachmentBytes, MAIL_DEFAULTS.maxAttachmentBytes),
  };
}

/** The shape with its transport: the static `smtp` or `transport`, with what the async factory gave merged over them. */
export function resolveMailOptions(
  given: MailBuiltinOptions,
  settings: MailSettings = {},
  shape = resolveMailShape(given),
): ResolvedMailOptions {
  const smtp = settings.smtp ? { ...given.smtp, ...settings.smtp } : given.smtp;
  return { ...shape, transport: resolveTransport(smtp, settings.transport ?? given.transport) };
}
