import { afterAll, describe, expect, it } from '@jest/globals';
import { ChildApp } from '../support/child-app.js';
import { SentinelTopology, type SentinelPorts } from '../support/redis-topologies.js';
import { BACKEND, rawQueue, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';
import { LoadTally, type LoadAudit } from './load-tally.js';

const FIXTURE = 'test/backends/fixtures/load-app.mjs';
/** Jobs that complete before the kill, and jobs added after the promotion, so both sides of the failover carry load. */
const BEFORE = 150;
const AFTER = 150;
/** Adds tried once the replica is cut off, before the master is killed: the master acknowledges them, or refuses them. */
const UNREPLICATED = 20;

interface Failover {
  tally: LoadTally;
  audit: LoadAudit;
  promotedAt: number;
  /** Adds acknowledged from the moment the replica was being cut off (or the kill) to the promotion. */
  window: number[];
  alive: boolean[];
}

// Starts Redis servers of its own; the Redis run is where it belongs (the cluster and PostgreSQL runs test other servers).
(BACKEND === 'redis' ? describe : describe.skip)('a Sentinel failover under load', () => {
  const topologies: SentinelTopology[] = [];
  const apps: ChildApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await Promise.all(topologies.map((t) => t.stop()));
  });

  /**
   * A worker process and a producer process of one app on the Sentinels' master; once jobs flow, SIGKILL of the master
   * (after cutting its replica off, if asked), and on until jobs added after the promotion have run and the queue drained.
   */
  async function failover(ports: SentinelPorts, label: string, { cutOff = false, minReplicas = false } = {}): Promise<Failover> {
    const topology = new SentinelTopology(ports);
    topologies.push(topology);
    await topology.start();
    // What a master needs to refuse writes no replica has: set on the master only, since the promoted one has no replica.
    if (minReplicas) await topology.command(ports.master, 'CONFIG', 'SET', 'min-replicas-to-write', '1', 'min-replicas-max-lag', '10');
    const prefix = uniquePrefix('failover');
    const env = { JOBS_CONNECTION: JSON.stringify(topology.connection), PREFIX: prefix };
    const worker = new ChildApp(FIXTURE, { ...env, ROLE: 'worker' });
    const producer = new ChildApp(FIXTURE, { ...env, ROLE: 'producer' });
    apps.push(worker, producer);
    const tally = new LoadTally(producer, worker);
    await Promise.all([worker.waitForLine('READY', 30_000), producer.waitForLine('READY', 30_000)]);
    await waitUntil(() => tally.reported.size >= BEFORE, 30_000, `${BEFORE} jobs completed before the failover`);

    const cuttingAt = Date.now();
    if (cutOff) {
      await topology.cutReplicaOff();
      const cutAt = Date.now();
      const tried = () => tally.ackedAfter(cutAt) + tally.refused.length;
      await waitUntil(() => tried() >= UNREPLICATED, 10_000, `${UNREPLICATED} adds tried with the replica cut off`);
    }
    const killedAt = Date.now();
    topology.kill(ports.master);
    if (cutOff) await topology.healReplica();
    // An election the Sentinels split on is retried after twice failover-timeout (10 s): two of them take 40 s.
    await waitUntil(async () => (await topology.masterPort()) === ports.replica, 50_000, 'the Sentinels to promote the replica');
    const promotedAt = Date.now();

    await waitUntil(() => tally.ackedAfter(promotedAt) >= AFTER, 30_000, `${AFTER} jobs added after the promotion`);
    producer.send('STOP');
    await waitUntil(() => producer.lines.some((line) => line.startsWith('STOPPED')), 10_000, 'the producer to stop adding');
    // Once the new master holds nothing still to run, a job it does not have completed is one the failover lost.
    const { queue, close } = rawQueue('default', prefix, topology.connection);
    let audit: LoadAudit;
    try {
      await waitUntil(() => LoadTally.drained(queue), 60_000, 'the queue to drain on the new master');
      audit = await tally.audit(queue);
    } finally {
      await close();
    }

    const window = [...tally.acked].filter(([, at]) => at > cuttingAt && at <= promotedAt).map(([n]) => n);
    const resumed = tally.resumedAfter(killedAt);
    console.log(
      [
        `Sentinel failover under load, ${label}:`,
        `promotion seen ${promotedAt - killedAt} ms after the kill; first add acknowledged ${resumed.added} ms, first job completed ${resumed.completed} ms after it`,
        `${tally.acked.size} adds acknowledged (${window.length} from the ${cutOff ? 'cut' : 'kill'} to the promotion, ${tally.ackedAfter(promotedAt)} after it), ${tally.refused.length} refused`,
        `lost ${audit.lost.length} (${audit.lost.filter((n) => tally.ran.has(n)).length} of them had run), completed twice ${audit.duplicates.length}; ${audit.ranTwice.length} ran again after their first end was lost, ` +
          `${audit.unreported.length} completed unheard by their worker, ${audit.unacknowledged.length} completed though their add was refused`,
      ].join('\n'),
    );
    return { tally, audit, promotedAt, window, alive: [worker.exited, producer.exited].map((exited) => !exited) };
  }

  /** What holds in every case: the same processes go on, and nothing acknowledged by the new master is lost or doubled. */
  function expectWorkGoesOn({ tally, audit, promotedAt, alive }: Failover): void {
    expect(alive).toEqual([true, true]);
    expect(tally.ackedAfter(promotedAt)).toBeGreaterThanOrEqual(AFTER);
    const sincePromotion = (ns: number[]) => ns.filter((n) => tally.acked.get(n)! > promotedAt);
    expect(sincePromotion(audit.lost)).toEqual([]);
    expect(sincePromotion(audit.duplicates)).toEqual([]);
  }

  it('loses nothing acknowledged after the promotion when the master is killed', async () => {
    const run = await failover({ master: 7101, replica: 7102, sentinels: [27101, 27102, 27103] }, 'master killed');
    expectWorkGoesOn(run);
    // Whatever is lost was acknowledged before the promotion: writes the old master had not passed on.
    expect(run.audit.lost.every((n) => run.tally.acked.get(n)! <= run.promotedAt)).toBe(true);
  }, 120_000);

  it('loses what the old master acknowledged after its replica was cut off, and nothing else', async () => {
    const run = await failover({ master: 7103, replica: 7104, sentinels: [27104, 27105, 27106] }, 'replica cut off, then master killed', {
      cutOff: true,
    });
    expectWorkGoesOn(run);
    expect(run.audit.lost.length).toBeGreaterThan(0);
    expect(run.audit.lost.every((n) => run.window.includes(n))).toBe(true);
  }, 120_000);

  it('loses nothing acknowledged when the master requires a replica for each write (min-replicas-to-write)', async () => {
    const run = await failover(
      { master: 7105, replica: 7106, sentinels: [27107, 27108, 27109] },
      'replica cut off, then master killed, min-replicas-to-write 1',
      { cutOff: true, minReplicas: true },
    );
    expectWorkGoesOn(run);
    expect(run.tally.refused.length).toBeGreaterThan(0); // the cut-off master said no instead of losing them
    expect(run.audit.lost).toEqual([]);
  }, 120_000);
});
