import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Redis } from 'ioredis';
import { JobEventBus, JobProcessor, type JobContext, type JobHandler, type JobsConnection } from '../../lib/index.js';
import { faultKind } from '../../lib/runtime/connection-faults.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { PG_URL, onCluster, onPostgres, postgresAdmin, schemaOf, uniquePrefix } from '../support/services.js';
import { work } from '../support/sleep.js';
import { waitUntil } from '../support/wait.js';

describe('faultKind', () => {
  it.each([
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    [Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'EPIPE'],
    [new Error('Connection is closed.'), 'connection closed'],
    [new Error('Missing lock for job 42. moveToFinished'), 'lock lost'],
    [Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), 'server restarting'],
    [new Error('Connection terminated unexpectedly'), 'connection closed'],
  ])('counts %p as %p', (err, kind) => expect(faultKind(err)).toBe(kind));

  it('leaves any other error to be logged as one', () => {
    expect(faultKind(new Error('ERR Error running script: attempt to compare nil with number'))).toBeUndefined();
    expect(faultKind(new TypeError('Cannot read properties of undefined'))).toBeUndefined();
  });
});

/** What the app logs, by level. */
class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (message: unknown) => void this.lines.push({ level: 'log', message: String(message) });
  warn = (message: unknown) => void this.lines.push({ level: 'warn', message: String(message) });
  error = (message: unknown) => void this.lines.push({ level: 'error', message: String(message) });
  debug() {}
  verbose() {}
  of(level: string, text: string) {
    return this.lines.filter((l) => l.level === level && l.message.includes(text));
  }
}

const completions = new Map<string, number>();

@JobProcessor('fault.work', { attempts: 5, backoff: 50 })
class FaultJob implements JobHandler<{ n: number }> {
  async handle(_data: { n: number }, ctx: JobContext) {
    await work(40, ctx.signal);
  }
}

const TOTAL = 1_200;
const KILLS = 3;

/**
 * Connections cut under load: on Redis, a server of the test's own whose clients are all killed (CLIENT KILL); on
 * PostgreSQL, every connection of this app terminated by name (pg_terminate_backend). Each cut is one outage.
 */
// It fails a Redis server of its own, not the cluster: the cluster run would repeat the Redis run.
(onCluster ? describe.skip : describe)('connections cut under load', () => {
  const prefix = uniquePrefix('faults');
  let redisServer: ChildProcess | undefined;
  let connection: JobsConnection;
  let cut: () => Promise<number>;
  let h: JobsTestApp;
  let afterAllCleanup = () => {};
  const logger = new CapturingLogger();

  beforeAll(async () => {
    if (onPostgres) {
      connection = { postgres: { connectionString: PG_URL, max: 3, application_name: prefix }, schema: schemaOf(prefix), migrate: true };
      cut = async () => {
        const [{ n }] = await postgresAdmin<{ n: string }>([
          'SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE application_name = $1',
          [prefix],
        ]);
        return Number(n);
      };
    } else {
      const probe = createServer().listen(0, '127.0.0.1');
      await once(probe, 'listening');
      const { port } = probe.address() as AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      // Every write on disk before it is acknowledged, so a crash loses nothing: what is measured is the module.
      const dir = mkdtempSync(join(tmpdir(), 'faults-redis-'));
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        dir,
      ];
      const start = async () => {
        redisServer = spawn('redis-server', args, { stdio: 'ignore' });
        await waitUntil(
          () =>
            new Redis({ port, lazyConnect: true, retryStrategy: () => null }).connect().then(
              () => true,
              () => false,
            ),
          10_000,
          'the test Redis',
        );
      };
      await start();
      connection = { redis: `redis://127.0.0.1:${port}` };
      // A crash of the server: SIGKILL, then a start on the same port once the module has seen the fault.
      cut = async () => {
        const warned = logger.of('warn', 'Connection fault with').length;
        redisServer!.kill('SIGKILL');
        await once(redisServer!, 'exit');
        await waitUntil(() => logger.of('warn', 'Connection fault with').length > warned, 10_000, 'the fault to be seen');
        await start();
        return 1;
      };
      afterAllCleanup = () => rmSync(dir, { recursive: true, force: true });
    }
    h = await createJobsApp(
      [FaultJob],
      {
        connection,
        prefix,
        stalled: { lockDuration: 2_000, interval: 1_000 },
        queues: { default: { concurrency: 4 } },
        // Every finished job stays, to be counted where it is recorded: in the queue.
        defaultJobOptions: { removeOnComplete: false, removeOnFail: false },
      },
      { logger },
    );
    h.app.get(FaultJob);
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    if (onPostgres) await postgresAdmin(`DROP SCHEMA IF EXISTS "${schemaOf(prefix)}" CASCADE`);
    if (redisServer) {
      redisServer.kill('SIGKILL');
      if (redisServer.exitCode === null && redisServer.signalCode === null) await once(redisServer, 'exit');
    }
    afterAllCleanup();
  });

  it('loses no job, tells each outage in one warning and its end in one line, and logs no error', async () => {
    const unsubscribe = h.app
      .get(JobEventBus)
      .subscribe({ event: 'completed' }, (e) => completions.set(e.jobId, (completions.get(e.jobId) ?? 0) + 1));
    const handles = await h.jobs.addBulk(Array.from({ length: TOTAL }, (_, n) => ({ name: 'fault.work' as const, data: { n } })));
    let killed = 0;
    for (let k = 1; k <= KILLS; k++) {
      await waitUntil(() => completions.size >= (TOTAL * k) / (KILLS + 1), 60_000, `${(TOTAL * k) / (KILLS + 1)} completions`);
      killed += await cut();
      // The next cut comes once this outage has been told over: each is its own.
      await waitUntil(() => logger.of('log', 'is working again').length >= k, 60_000, `recovery line ${k}`).catch((err: Error) => {
        throw new Error(`${err.message}; the app logged: ${JSON.stringify(logger.lines, null, 1)}`);
      });
    }
    // A completion the server wrote while the connection was cut reaches no local event (its answer was lost): the
    // queue itself says what completed.
    const counts = await waitUntil(
      async () => {
        const c = await h.jobs.counts('default');
        return c.completed + c.failed === TOTAL && c;
      },
      120_000,
      'every job finished',
    );
    unsubscribe();
    expect(counts).toMatchObject({ completed: TOTAL, failed: 0, waiting: 0, active: 0 });

    expect(killed).toBeGreaterThanOrEqual(KILLS);
    const states = await Promise.all(handles.map(async (j) => (await h.jobs.get(j.id))?.state));
    expect(states.filter((state) => state !== 'completed')).toEqual([]);
    // Local events: none twice; a few may be missing, for completions whose answer the cut lost.
    expect([...completions.values()].filter((n) => n > 1)).toEqual([]);
    expect(logger.of('warn', 'Connection fault with')).toHaveLength(KILLS);
    expect(logger.of('log', 'is working again')).toHaveLength(KILLS);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    // What was counted is told: the recovery line names each kind of fault.
    expect(logger.of('log', 'is working again')[0].message).toMatch(/faults meanwhile: \d+ × /);
  }, 240_000);
});
