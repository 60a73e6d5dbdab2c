import { afterAll, describe, expect, it } from '@jest/globals';
import type { JobsConnection } from '../../lib/index.js';
import { ChildApp } from '../support/child-app.js';
import { onPostgres, rawQueue } from '../support/services.js';
import { waitUntil } from '../support/wait.js';
import { LoadTally } from './load-tally.js';
import { PrivatePostgres } from './private-postgres.js';

const FIXTURE = 'test/backends/fixtures/load-app.mjs';
/** Jobs that complete before the restart, and jobs added after it, so both sides of the restart carry load. */
const BEFORE = 200;
const AFTER = 200;

// Restarts a PostgreSQL server of its own under the queues: a test of the PostgreSQL backend, run with JOBS_BACKEND=postgres.
(onPostgres ? describe : describe.skip)('a PostgreSQL restart under load', () => {
  const server = new PrivatePostgres(5499);
  const apps: ChildApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await server.stop();
  });

  it('the same worker goes on, and every job added completes exactly once', async () => {
    await server.start();
    const connection: JobsConnection = { postgres: { connectionString: server.url, max: 4 }, schema: 'jobs_restart', migrate: true };
    const env = { JOBS_CONNECTION: JSON.stringify(connection), PREFIX: 'jobs' };
    // The worker migrates the schema; the producer starts once it is there.
    const worker = new ChildApp(FIXTURE, { ...env, ROLE: 'worker' });
    apps.push(worker);
    await worker.waitForLine('READY', 30_000);
    const producer = new ChildApp(FIXTURE, { ...env, ROLE: 'producer' });
    apps.push(producer);
    const tally = new LoadTally(producer, worker);
    await producer.waitForLine('READY', 30_000);
    await waitUntil(() => tally.reported.size >= BEFORE, 30_000, `${BEFORE} jobs completed before the restart`);

    const stoppedAt = Date.now();
    const ackedBefore = tally.acked.size;
    await server.restart();
    const restartedAt = Date.now();

    await waitUntil(() => tally.ackedAfter(restartedAt) >= AFTER, 30_000, `${AFTER} jobs added after the restart`);
    producer.send('STOP');
    await waitUntil(() => producer.lines.some((line) => line.startsWith('STOPPED')), 10_000, 'the producer to stop adding');
    const { queue, close } = rawQueue('default', 'jobs', connection);
    const audit = await (async () => {
      try {
        await waitUntil(() => LoadTally.drained(queue), 60_000, 'the queue to drain');
        return await tally.audit(queue);
      } finally {
        await close();
      }
    })();

    const resumed = tally.resumedAfter(restartedAt);
    console.log(
      [
        `PostgreSQL restart under load (pg_ctl restart -m fast): the restart took ${restartedAt - stoppedAt} ms;`,
        `then the first add was acknowledged after ${resumed.added} ms, the first job completed after ${resumed.completed} ms`,
        `${tally.acked.size} adds acknowledged (${ackedBefore} before the restart, ${tally.ackedAfter(restartedAt)} after it), ${tally.refused.length} refused while it was down`,
        `lost ${audit.lost.length}, completed twice ${audit.duplicates.length}; ${audit.ranTwice.length} ran again after their first end could not be written, ` +
          `${audit.unreported.length} completed unheard by their worker, ${audit.unacknowledged.length} completed though their add was refused`,
        ...tally.incidents.slice(0, 5),
        ...(audit.lost.length ? [worker.errors] : []),
      ].join('\n'),
    );
    expect([worker.exited, producer.exited]).toEqual([false, false]);
    expect(tally.ackedAfter(restartedAt)).toBeGreaterThanOrEqual(AFTER);
    // Within seconds: a worker that waited out BullMQ's default `runRetryDelay` sat idle for 15 s.
    expect(resumed.completed).toBeLessThan(5_000);
    expect(audit.lost).toEqual([]);
    expect(audit.duplicates).toEqual([]);
  }, 150_000);
});
