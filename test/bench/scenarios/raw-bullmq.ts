import { Queue, Worker, createPostgresBackend, type Processor, type WorkerOptions } from 'bullmq';
import { PG_URL, REDIS_URL, deletePrefix, dropSchema, uniqueName } from '../services.js';
import { BULLMQ_JOB_OPTIONS, JOB, QUEUE, inChunks, type BenchPayload, type SubjectFactory } from '../subject.js';

type Settings = Pick<WorkerOptions, 'concurrency'>;

/** Queue and Worker constructors bound to one backend and namespace. */
function onRedis(prefix: string) {
  const url = new URL(REDIS_URL);
  const base = { connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null }, prefix };
  return {
    queue: () => new Queue(QUEUE, base),
    worker: (processor: Processor, settings: Settings) => new Worker(QUEUE, processor, { ...base, ...settings, autorun: false }),
    cleanup: () => deletePrefix(prefix),
  };
}

function onPostgres(schema: string) {
  const base = { connection: { connectionString: PG_URL, schema, migrate: true } };
  return {
    queue: () => new Queue(QUEUE, base, createPostgresBackend),
    worker: (processor: Processor, settings: Settings) =>
      new Worker(QUEUE, processor, { ...base, ...settings, autorun: false }, createPostgresBackend),
    cleanup: () => dropSchema(schema),
  };
}

/** BullMQ's own Queue and Worker, on Redis or on its PostgreSQL backend: the baseline of every ratio. */
export const rawBullmq =
  (backend: 'redis' | 'postgres'): SubjectFactory =>
  async ({ concurrency }) => {
    const on = backend === 'redis' ? onRedis(uniqueName('raw')) : onPostgres(uniqueName('rawpg'));
    const queue = on.queue();
    await queue.waitUntilReady();
    let worker: ReturnType<typeof on.worker> | undefined;
    return {
      fill: (count) => inChunks(count, (items) => queue.addBulk(items.map((data) => ({ name: JOB, data, opts: BULLMQ_JOB_OPTIONS })))),
      async start(handler) {
        worker = on.worker(async (job) => handler(job.data as BenchPayload), { concurrency });
        worker.on('error', () => undefined);
        void worker.run();
        await worker.waitUntilReady();
      },
      add: (data) => queue.add(JOB, data, BULLMQ_JOB_OPTIONS),
      async close() {
        await worker?.close();
        await queue.close();
        await on.cleanup();
      },
    };
  };
