import { isPositiveInt } from '../../option-checks.js';
import type { BuiltinJobOptions } from '../builtin-job.options.js';
import { badOption, checkDuration, checkPositiveInt } from '../builtin-option.checks.js';
import { normalizeFingerprint } from './host-key.js';
import type { SshHostOptions } from '../../interfaces/builtin-connections.interface.js';
import type { JobsExtraSettings } from '../../interfaces/extra-settings.interface.js';

export type { SshHostOptions } from '../../interfaces/builtin-connections.interface.js';

type SshSettings = NonNullable<NonNullable<JobsExtraSettings['builtins']>['ssh']>;

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
    readyTimeout: checkDuration(`${at}.readyTimeout`, given.readyTimeout, SSH_DEFAULTS.readyTimeout),
  };
}

/** The aliases of the hosts, which the payload's schema lists, and the job options: what the static options decide. */
export function resolveSshShape(given: SshBuiltinOptions): { aliases: string[]; job: BuiltinJobOptions } {
  if (typeof given !== 'object' || given === null) badOption('ssh', '{ hosts: { alias: { … } } }', given);
  const { hosts, maxOutputBytes: _maxOutputBytes, ...job } = given;
  if (typeof hosts !== 'object' || hosts === null || !Object.keys(hosts).length)
    badOption('ssh.hosts', 'at least one host by alias', hosts);
  return { aliases: Object.keys(hosts), job: { attempts: SSH_DEFAULTS.attempts, concurrency: SSH_DEFAULTS.concurrency, ...job } };
}

/** Every host checked, with what `forRootAsync`'s factory gave a declared alias (its password, key) merged over it. */
export function resolveSshOptions(given: SshBuiltinOptions, settings: SshSettings = {}): ResolvedSshOptions {
  const { aliases, job } = resolveSshShape(given);
  for (const alias of Object.keys(settings.hosts ?? {})) {
    if (!aliases.includes(alias))
      badOption(`ssh.hosts.${alias}`, `one of the hosts declared in builtins.ssh.hosts (${aliases.join(', ')})`, alias);
  }
  const hostOf = (alias: string) => ({ ...given.hosts[alias], ...settings.hosts?.[alias] });
  return {
    job,
    hosts: new Map(aliases.map((alias) => [alias, resolveHost(alias, hostOf(alias))])),
    maxOutputBytes: checkPositiveInt('ssh.maxOutputBytes', given.maxOutputBytes, SSH_DEFAULTS.maxOutputBytes),
  };
}
