import { Logger, makeWorkerUtils, run, type Runner } from 'graphile-worker';
import { PG_URL, dropSchema, uniqueName } from '../services.js';
import { QUEUE, inChunks, type BenchPayload, type SubjectFactory } from '../subject.js';

const silent = new Logger(() => () => undefined);

/** graphile-worker 0.17 in a schema of its own, with its default pool of 10 (the database is shared with other work). */
export const graphileWorker: SubjectFactory = async ({ concurrency }) => {
  const schema = uniqueName('graphile');
  const shared = { connectionString: PG_URL, schema, logger: silent };
  const utils = await makeWorkerUtils(shared);
  await utils.migrate();
  let runner: Runner | undefined;
  return {
    fill: (count) => inChunks(count, (items) => utils.addJobs(items.map((payload) => ({ identifier: QUEUE, payload })))),
    async start(handler) {
      runner = await run({
        ...shared,
        concurrency,
        noHandleSignals: true,
        pollInterval: 500,
        taskList: { [QUEUE]: async (payload) => handler(payload as BenchPayload) },
      });
    },
    add: (data) => utils.addJob(QUEUE, data),
    async close() {
      await runner?.stop();
      await utils.release();
      await dropSchema(schema);
    },
  };
};
