import { isPositiveInt } from '../../option-checks.js';
import type { BuiltinJobOptions } from '../builtin-job.options.js';
import { badOption, checkPositiveInt } from '../builtin-option.checks.js';
import { normalizeFingerprint } from './host-key.js';

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

export interface SshBuiltinOptions extends BuiltinJobOptions {
  /** Hosts by alias: a payload names an alias, never an address or a secret. */
  hosts: Record<string, SshHostOptions>;
  /** Bytes kept of each of stdout and stderr (the last ones); more is cut and marked truncated. Default 64 KiB. */
  maxOutputBytes?: number;
}

export interface ResolvedSshHost {
  alias: string;
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** Normalised fingerprints; empty only with `insecureAcceptAnyHostKey`. */
  fingerprints: string[];
  readyTimeout: number;
}

export interface ResolvedSshOptions {
  job: BuiltinJobOptions;
  hosts: Map<string, ResolvedSshHost>;
  maxOutputBytes: number;
}

/** A command is not known to be safe to run twice, so `ssh.command` makes one attempt unless options say otherwise. */
export const SSH_DEFAULTS = { attempts: 1, concurrency: 2, maxOutputBytes: 64 * 1024, readyTimeout: 20_000, port: 22 };

const ALIAS = /^[\w.-]+$/;

function resolveHost(alias: string, given: SshHostOptions): ResolvedSshHost {
  const at = `ssh.hosts.${alias}`;
  if (!ALIAS.test(alias)) badOption(at, 'named with letters, digits, "_", "-" or "."', alias);
  if (typeof given !== 'object' || given === null) badOption(at, '{ host, username, password | privateKey, hostKeyFingerprint }', given);
  if (typeof given.host !== 'string' || !given.host) badOption(`${at}.host`, 'a host name or address', given.host);
  if (typeof given.username !== 'string' || !given.username) badOption(`${at}.username`, 'a user name', given.username);
  if (given.port !== undefined && !(isPositiveInt(given.port) && given.port < 65536)) badOption(`${at}.port`, 'a port number', given.port);
  if (given.password === undefined && given.privateKey === undefined) badOption(at, 'given a password or a privateKey', 'neither');
  const listed = given.hostKeyFingerprint === undefined ? [] : [given.hostKeyFingerprint].flat();
  const fingerprints = listed.map(
    (f, i) =>
      normalizeFingerprint(f) ??
      badOption(
        `${at}.hostKeyFingerprint${Array.isArray(given.hostKeyFingerprint) ? `.${i}` : ''}`,
        'a fingerprint like SHA256:<43 base64 characters>',
        f,
      ),
  );
  if (!fingerprints.length && given.insecureAcceptAnyHostKey !== true) {
    badOption(
      `${at}.hostKeyFingerprint`,
      "the host key's SHA256 fingerprint (ssh-keyscan HOST | ssh-keygen -lf -) so the host is verified, or set insecureAcceptAnyHostKey: true to connect unverified",
      undefined,
    );
  }
  return {
    alias,
    host: given.host,
    port: given.port ?? SSH_DEFAULTS.port,
    username: given.username,
    password: given.password,
    privateKey: given.privateKey,
    passphrase: given.passphrase,
    fingerprints,
    readyTimeout: checkPositiveInt(`${at}.readyTimeout`, given.readyTimeout, SSH_DEFAULTS.readyTimeout),
  };
}

export function resolveSshOptions(given: SshBuiltinOptions): ResolvedSshOptions {
  if (typeof given !== 'object' || given === null) badOption('ssh', '{ hosts: { alias: { … } } }', given);
  const { hosts, maxOutputBytes, ...job } = given;
  if (typeof hosts !== 'object' || hosts === null || !Object.keys(hosts).length)
    badOption('ssh.hosts', 'at least one host by alias', hosts);
  return {
    job: { attempts: SSH_DEFAULTS.attempts, concurrency: SSH_DEFAULTS.concurrency, ...job },
    hosts: new Map(Object.entries(hosts).map(([alias, host]) => [alias, resolveHost(alias, host)])),
    maxOutputBytes: checkPositiveInt('ssh.maxOutputBytes', maxOutputBytes, SSH_DEFAULTS.maxOutputBytes),
  };
}
