import PgBoss from 'pg-boss';
import { PG_URL, dropSchema, uniqueName } from '../services.js';
import { QUEUE, inChunks, type BenchPayload, type SubjectFactory } from '../subject.js';

/** pg-boss's connection pool (its default `max`): one `work()` loop per connection at the most. */
const POOL = 10;
/** Its least polling interval, in seconds. */
const POLL_SECONDS = 0.5;

/** How concurrency c is run: pg-boss 10 has no concurrency option; its docs say to call `work()` several times. */
export const pgBossLoops = (concurrency: number) => {
  const loops = Math.min(concurrency, POOL);
  return { loops, batchSize: Math.ceil(concurrency / loops) };
};

export const PG_BOSS_CONFIG =
  `pg-boss 10: concurrency c as min(c, ${POOL}) work() loops (its docs' way), each fetching ceil(c / loops) jobs, ` +
  `pollingIntervalSeconds ${POLL_SECONDS} (its least); a loop that fetched jobs fetches again once they are handled, ` +
  `if that took over ${POLL_SECONDS * 1000 - 100} ms, else after the rest of the interval`;

/** pg-boss 10 in a schema of its own, configured as its documentation recommends for throughput (see PG_BOSS_CONFIG). */
export const pgBoss: SubjectFactory = async ({ concurrency }) => {
  const schema = uniqueName('pgboss');
  const boss = new PgBoss({ connectionString: PG_URL, schema, supervise: false, schedule: false, migrate: true, max: POOL });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(QUEUE);
  return {
    fill: (count) => inChunks(count, (items) => boss.insert(items.map((data) => ({ name: QUEUE, data })))),
    async start(handler) {
      const { loops, batchSize } = pgBossLoops(concurrency);
      for (let i = 0; i < loops; i++) {
        await boss.work<BenchPayload>(QUEUE, { batchSize, pollingIntervalSeconds: POLL_SECONDS }, async (jobs) => {
          for (const job of jobs) handler(job.data);
        });
      }
    },
    add: (data) => boss.send(QUEUE, data),
    async close() {
      await boss.stop({ graceful: false, wait: true, close: true });
      await dropSchema(schema);
    },
  };
};
