import { Inject, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { UnrecoverableJobError } from '../../jobs.errors.js';
import type { JobContext } from '../../interfaces/job-context.interface.js';
import type { JobHandler } from '../../interfaces/job-handler.interface.js';
import { MAIL_OPTIONS } from '../builtins.constants.js';
import type { ResolvedMailOptions } from './mail.options.js';
import type { MailSendPayload, MailSendResult } from './mail-send.payload.js';
import { render } from './mail-template.js';
import { openTransport, type OpenedTransport } from './mail-transport.js';

type Address = string | { address: string };
interface SentInfo {
  messageId: string;
  accepted?: Address[];
  rejected?: Address[];
  response?: string;
}
interface SmtpError extends Error {
  responseCode?: number;
  rejected?: Address[];
}

const addresses = (list: Address[] | undefined) => (list ?? []).map((a) => (typeof a === 'string' ? a : a.address));

/**
 * `mail.send`: one message through the configured transport. A message some recipients refused is sent to the others
 * and lists the refused ones; a permanent refusal of all (SMTP 5xx) fails at once, a temporary one (4xx) is retried.
 */
export class MailSendJob implements JobHandler<MailSendPayload, MailSendResult>, OnModuleInit, OnApplicationShutdown {
  private transport?: OpenedTransport;

  constructor(@Inject(MAIL_OPTIONS) private readonly options: ResolvedMailOptions) {}

  async onModuleInit(): Promise<void> {
    this.transport = await openTransport(this.options.transport);
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  async handle(data: MailSendPayload, ctx: JobContext): Promise<MailSendResult> {
    // nodemailer cannot abort a send under way; a cancelled or timed-out job never starts one.
    ctx.signal.throwIfAborted();
    try {
      const info = (await this.transport!.transporter.sendMail(this.message(data))) as SentInfo;
      return { messageId: info.messageId, accepted: addresses(info.accepted), rejected: addresses(info.rejected), response: info.response };
    } catch (err) {
      const code = (err as SmtpError).responseCode;
      if (code !== undefined && code >= 500 && code < 600) {
        const rejected = addresses((err as SmtpError).rejected);
        throw new UnrecoverableJobError(
          `Mail not sent, refused by the server (${code})${rejected.length ? ` for ${rejected.join(', ')}` : ''}: ${(err as Error).message}`,
        );
      }
      throw err;
    }
  }

  private message(data: MailSendPayload): Record<string, unknown> {
    const template = data.template === undefined ? undefined : this.options.templates.get(data.template);
    const variables = data.variables ?? {};
    return {
      from: data.from ?? this.options.from,
      to: data.to,
      cc: data.cc,
      bcc: data.bcc,
      replyTo: data.replyTo,
      subject: data.subject ?? (template && render(template.subject, variables, false)),
      text: template ? template.text && render(template.text, variables, false) : data.text,
      html: template ? template.html && render(template.html, variables, true) : data.html,
      attachments: data.attachments?.map((a) => ({
        filename: a.filename,
        content: a.content,
        encoding: 'base64',
        contentType: a.contentType,
      })),
    };
  }
}
