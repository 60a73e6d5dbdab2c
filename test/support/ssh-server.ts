import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';

const { Server, utils } = ssh2;

export function publicKeyOf(keyText: string): ssh2.ParsedKey {
  const parsed = utils.parseKey(keyText);
  if (parsed instanceof Error) throw parsed;
  return Array.isArray(parsed) ? parsed[0] : parsed;
}
export const fingerprintOf = (keyText: string) =>
  `SHA256:${createHash('sha256').update(publicKeyOf(keyText).getPublicSSH()).digest('base64').replace(/=+$/, '')}`;

/**
 * About 1 in 256 ed25519 pairs that ssh2 generates cannot be parsed back by ssh2 itself (mscdex/ssh2#1390: a leading
 * zero byte of the public key is stripped), so the tests take a pair only once both halves parse.
 */
export function keyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

/** A real SSH server on loopback that runs each exec request with `sh -c`, and kills it when the client closes the channel. */
export class TestSshServer {
  readonly hostKey = keyPair();
  readonly clientKey = keyPair();
  running = 0;
  channelsClosed = 0;
  killed = 0;
  /** Signals clients sent to running commands, by name. */
  readonly signals: string[] = [];
  port = 0;
  private server?: InstanceType<typeof Server>;

  async start(): Promise<void> {
    const allowedKey = publicKeyOf(this.clientKey.public);
    this.server = new Server({ hostKeys: [this.hostKey.private] }, (client) => {
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => {
        if (ctx.username !== 'deploy') return ctx.reject();
        if (ctx.method === 'password' && ctx.password === 'secret') return ctx.accept();
        if (ctx.method === 'publickey' && ctx.key.data.equals(allowedKey.getPublicSSH())) {
          if (!ctx.signature || allowedKey.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
        }
        ctx.reject(['password', 'publickey']);
      });
      client.on('ready', () =>
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          session.on('signal', (_accept, _reject, info) => void this.signals.push(info.name));
          session.on('exec', (accept, _reject, info) => {
            const channel = accept();
            // Flowing, so the channel emits 'close' when the client closes it.
            channel.resume();
            let open = true;
            // A group of its own, so closing the channel kills the command's children too, as sshd's hang-up does.
            const child = spawn('sh', ['-c', info.command], { detached: true });
            this.running++;
            child.stdout.pipe(channel, { end: false });
            child.stderr.pipe(channel.stderr, { end: false });
            child.on('close', (code, signal) => {
              this.running--;
              if (signal) this.killed++;
              if (!open) return;
              channel.exit(code ?? 255);
              channel.end();
            });
            channel.on('close', () => {
              open = false;
              this.channelsClosed++;
              if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
            });
          });
        }),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    const server = this.server;
    return server ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve();
  }
}
