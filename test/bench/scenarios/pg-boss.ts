import PgBoss from 'pg-boss';
import { PG_URL, dropSchema, uniqueName } from '../services.js';
import { QUEUE, inChunks, type BenchPayload, type SubjectFactory } from '../subject.js';

/**
 * pg-boss 10 in a schema of its own. Its `work` loop fetches up to `batchSize` jobs and hands them over together, so
 * concurrency c is one worker with batchSize c; between fetches it waits out pollingIntervalSeconds (0.5 s, its least).
 */
export const pgBoss: SubjectFactory = async ({ concurrency }) => {
  const schema = uniqueName('pgboss');
  const boss = new PgBoss({ connectionString: PG_URL, schema, supervise: false, schedule: false, migrate: true });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(QUEUE);
  return {
    fill: (count) => inChunks(count, (items) => boss.insert(items.map((data) => ({ name: QUEUE, data })))),
    async start(handler) {
      await boss.work<BenchPayload>(QUEUE, { batchSize: concurrency, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const job of jobs) handler(job.data);
      });
    },
    add: (data) => boss.send(QUEUE, data),
    async close() {
      await boss.stop({ graceful: false, wait: true, close: true });
      await dropSchema(schema);
    },
  };
};
