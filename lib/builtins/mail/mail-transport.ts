import type * as Nodemailer from 'nodemailer';
import { importOptional } from '../../optional-import.js';
import type { MailTransporter, ResolvedMailTransport } from './mail.options.js';

export interface OpenedTransport {
  transporter: MailTransporter;
  /** Closes a transport the module made; one the host gave stays the host's. */
  close(): void;
}

/** Loads nodemailer only when the module has to make the transport itself. */
export async function openTransport(transport: ResolvedMailTransport): Promise<OpenedTransport> {
  if ('transporter' in transport) return { transporter: transport.transporter, close: () => undefined };
  const nodemailer = await importOptional<typeof Nodemailer>('nodemailer', 'builtins.mail');
  const made = nodemailer.createTransport(transport.create as Parameters<typeof nodemailer.createTransport>[0]);
  return { transporter: made, close: () => made.close() };
}
