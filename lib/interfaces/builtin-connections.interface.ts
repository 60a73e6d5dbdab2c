import type { ConnectionOptions } from 'node:tls';

// How the built-ins reach their servers: given in `builtins` of `forRoot`, or in `extraSettings` of the async factory.

/** An SMTP server to send through. */
export interface MailSmtpOptions {
  host: string;
  /** Default 587, or 465 when `secure`. */
  port?: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** Node TLS options, e.g. `ca`, `servername`, `rejectUnauthorized`. */
  tls?: ConnectionOptions;
}

/** What `mail.send` needs of a transport: a nodemailer `Transporter` fits. */
export interface MailTransporter {
  sendMail(message: object): Promise<unknown>;
}

/** One host jobs may run commands on, known to payloads only by its alias. */
export interface SshHostOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  password?: string;
  /** An OpenSSH, PEM or PPK private key. */
  privateKey?: string | Buffer;
  passphrase?: string;
  /**
   * The host key's SHA256 fingerprint as OpenSSH prints it (`SHA256:…`; `ssh-keyscan HOST | ssh-keygen -lf -`), or a
   * list of them (one per key type or during a rotation). Required unless `insecureAcceptAnyHostKey`.
   */
  hostKeyFingerprint?: string | string[];
  /** Connect without verifying the host key, open to impersonation. Only for throwaway test hosts. */
  insecureAcceptAnyHostKey?: boolean;
  /** Milliseconds for the connection and SSH handshake. Default 20 s. */
  readyTimeout?: number;
}
