import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from '@jest/globals';
import { deletePrefix, migrateQueues, queueConnection, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

const root = new URL('../../', import.meta.url).pathname;
const prefix = uniquePrefix('replicas');
const TICKS = 22;

/** Three separate processes of one app on one Redis, as three replicas would run. */
describe('an every-second @Cron on three replicas', () => {
  const runs: Array<{ id: string; pid: string }> = [];
  const replicas: ChildProcess[] = [];
  afterAll(async () => {
    for (const r of replicas) if (r.exitCode === null) r.kill('SIGKILL');
    await deletePrefix(prefix);
  });

  it(`runs each of ${TICKS} ticks exactly once in total`, async () => {
    // Migrated once up front, so three replicas starting together measure the start, not the migration.
    await migrateQueues(prefix);
    let ready = 0;
    let errors = '';
    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, ['test/scheduling/fixtures/ticker.mjs'], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: '', JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)), PREFIX: prefix },
      });
      let buffered = '';
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          if (line === 'READY') ready++;
          const [, id, pid] = /^RUN (\S+) (\d+)$/.exec(line) ?? [];
          if (id) runs.push({ id, pid });
        }
      });
      replicas.push(child);
    }
    await waitUntil(() => ready === 3, 30_000, 'three replicas').catch((err: Error) => {
      throw new Error(`${err.message}; they wrote: ${errors || '(nothing)'}`);
    });
    await waitUntil(() => runs.length >= TICKS, 40_000, `${TICKS} runs`);
    await Promise.all(replicas.map(async (r) => (r.kill('SIGTERM'), await once(r, 'exit'))));

    const ids = runs.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // no tick ran twice
    const ticks = ids.map((id) => Number(id.split(':').pop())).sort((a, b) => a - b);
    const missed = ticks.slice(1).reduce((sum, t, i) => sum + Math.round((t - ticks[i]) / 1_000) - 1, 0);
    expect(missed).toBeLessThanOrEqual(1);
  }, 90_000);
});
