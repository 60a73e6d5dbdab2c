import type * as Ssh2 from 'ssh2';
import { UnrecoverableJobError } from '../../jobs.errors.js';
import { SshConnectionError, SshHostKeyError } from '../builtins.errors.js';
import { fingerprintOf } from './host-key.js';
import { OutputTail } from './output-tail.js';
import type { ResolvedSshHost } from './ssh.options.js';

export type Ssh2Module = typeof Ssh2;

export interface RemoteOutcome {
  exitCode: number | null;
  /** The signal that ended the command, when one did. */
  exitSignal?: string;
  stdout: OutputTail;
  stderr: OutputTail;
}

/**
 * Connects, verifies the host key, runs one command and disconnects. An abort sends the command TERM, closes the channel
 * and the connection at once and rejects with the signal's reason.
 */
export function runRemote(
  ssh: Ssh2Module,
  target: ResolvedSshHost,
  command: string,
  maxOutputBytes: number,
  signal: AbortSignal,
): Promise<RemoteOutcome> {
  return new Promise((resolve, reject) => {
    const client = new ssh.Client();
    let channel: Ssh2.ClientChannel | undefined;
    let presentedKey: string | undefined;
    let settled = false;
    const finish = (err: unknown, outcome?: RemoteOutcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      channel?.close();
      client.end();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's reason, as given
      if (err) reject(err);
      else resolve(outcome!);
    };
    const onAbort = () => {
      // Servers without a pty may ignore this; closing the channel is all that is left then.
      channel?.signal('TERM');
      finish(signal.reason);
    };
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });

    client.on('error', (err: Error & { level?: string }) => {
      if (presentedKey) {
        return finish(
          new SshHostKeyError(
            `SSH host "${target.alias}" (${target.host}:${target.port}) presented host key ${presentedKey}, which is not builtins.ssh.hosts.${target.alias}.hostKeyFingerprint; refusing to connect.`,
          ),
        );
      }
      if (err.level === 'client-authentication') {
        return finish(new UnrecoverableJobError(`SSH login as "${target.username}" on host "${target.alias}" was refused: ${err.message}`));
      }
      finish(new SshConnectionError(`SSH connection to host "${target.alias}" failed: ${err.message}`));
    });
    client.on('close', () =>
      finish(new SshConnectionError(`SSH connection to host "${target.alias}" closed before the command finished.`)),
    );
    client.on('ready', () => {
      client.exec(command, (err, opened) => {
        if (err) return finish(new SshConnectionError(`SSH host "${target.alias}" refused to run the command: ${err.message}`));
        channel = opened;
        const outcome: RemoteOutcome = { exitCode: null, stdout: new OutputTail(maxOutputBytes), stderr: new OutputTail(maxOutputBytes) };
        opened.on('data', (chunk: Buffer) => outcome.stdout.push(chunk));
        opened.stderr.on('data', (chunk: Buffer) => outcome.stderr.push(chunk));
        opened.on('exit', (code: number | null, exitSignal?: string) => {
          outcome.exitCode = code;
          outcome.exitSignal = exitSignal ?? undefined;
        });
        opened.on('close', () => finish(undefined, outcome));
      });
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      password: target.password,
      privateKey: target.privateKey,
      passphrase: target.passphrase,
      readyTimeout: target.readyTimeout,
      hostVerifier: (key: Buffer) => {
        if (!target.fingerprints.length) return true;
        const presented = fingerprintOf(key);
        if (target.fingerprints.includes(presented)) return true;
        presentedKey = presented;
        return false;
      },
    });
  });
}
