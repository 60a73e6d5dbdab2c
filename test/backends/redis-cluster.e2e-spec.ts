import { afterAll, describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import { ChildApp } from '../support/child-app.js';
import { CLUSTER_NODES, deletePrefix, onCluster, queueConnection, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

const TICKS = 6;

// Needs the Redis Cluster of test/support/redis-cluster.sh: runs with JOBS_BACKEND=cluster only.
(onCluster ? describe : describe.skip)('an every-second @Cron on three processes on a Redis Cluster', () => {
  const prefix = uniquePrefix('cluster-cron');
  const replicas: ChildApp[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await deletePrefix(prefix);
  });

  it(`runs each of ${TICKS} ticks once in total, with every key of the app in one slot`, async () => {
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      // The scheduling suite's replica: one app with `@Cron('* * * * * *')`, printing `RUN <job id> <pid>` per run.
      const replica = new ChildApp('test/scheduling/fixtures/ticker.mjs', {
        JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)),
        PREFIX: prefix,
      });
      replica.onLine((line) => {
        const [, id] = /^RUN (\S+) \d+$/.exec(line) ?? [];
        if (id) runs.push(id);
      });
      replicas.push(replica);
    }
    await Promise.all(replicas.map((r) => r.waitForLine('READY', 30_000)));
    await waitUntil(() => runs.length >= TICKS, 30_000, `${TICKS} runs`);
    await Promise.all(replicas.map((r) => r.stop()));

    expect(new Set(runs).size).toBe(runs.length); // no tick ran twice
    const ticks = runs.map((id) => Number(id.split(':').pop())).sort((a, b) => a - b);
    const missed = ticks.slice(1).reduce((sum, t, i) => sum + Math.round((t - ticks[i]) / 1_000) - 1, 0);
    expect(missed).toBeLessThanOrEqual(1);
    console.log(
      `Redis Cluster, 3 processes: ${runs.length} runs of ${ticks.length + missed} every-second ticks, ${missed} missed, none twice`,
    );

    // The prefix is a hash tag, so the masters that hold the app's keys are exactly one.
    const cluster = new Cluster(CLUSTER_NODES);
    try {
      await cluster.ping();
      const counts = await Promise.all(cluster.nodes('master').map(async (node) => (await node.keys(`${prefix}:*`)).length));
      expect(counts.filter((n) => n > 0)).toHaveLength(1);
    } finally {
      cluster.disconnect();
    }
  }, 90_000);
});
