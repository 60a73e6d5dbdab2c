import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PostgreSQL's server programs: on the PATH, or the newest of Debian's versioned folders. */
function serverBin(program: string): string {
  const onPath = (process.env.PATH ?? '').split(':').find((dir) => existsSync(join(dir, program)));
  if (onPath) return join(onPath, program);
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => `/usr/lib/postgresql/${v}/bin/${program}`).find(existsSync);
  if (!found) throw new Error(`PostgreSQL's ${program} is neither on the PATH nor in /usr/lib/postgresql/*/bin`);
  return found;
}

/**
 * A PostgreSQL server of a test's own (trust auth, loopback only, data in a temp dir), so the test may stop and restart
 * it without touching the server the other suites use. The server refuses to run as root: as root, it runs as the
 * `postgres` user, who owns the temp dir.
 */
export class PrivatePostgres {
  private dir = '';

  constructor(readonly port: number) {}

  private get data(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const inUse = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: this.port }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (inUse) throw new Error(`Port ${this.port} is already in use`);
    this.dir = mkdtempSync(join(tmpdir(), 'pg-private-'));
    if (process.getuid?.() === 0) {
      const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres']).toString()));
      chownSync(this.dir, uid, gid);
    }
    await this.as(serverBin('initdb'), ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await this.pgCtl('start');
  }

  /** A fast restart, as a deployment or a configuration change makes one: every session is ended, open transactions rolled back. */
  async restart(): Promise<void> {
    await this.pgCtl('restart', '-m', 'fast');
  }

  async stop(): Promise<void> {
    if (!this.dir) return;
    if (existsSync(join(this.data, 'postmaster.pid'))) await this.pgCtl('stop', '-m', 'immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pgCtl(...args: string[]) {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
    return this.as(serverBin('pg_ctl'), [...args, '-D', this.data, '-w', '-t', '60', '-l', join(this.dir, 'server.log'), '-o', options]);
  }

  private as(program: string, args: string[]) {
    return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', program, ...args]) : run(program, args);
  }
}
