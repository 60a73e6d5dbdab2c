import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullModule, Processor, WorkerHost } from '@nestjs/bullmq';
import { Queue, type Job } from 'bullmq';
import { REDIS_URL, deletePrefix, uniqueName } from '../services.js';
import { BULLMQ_JOB_OPTIONS, JOB, QUEUE, inChunks, type BenchHandler, type BenchPayload, type SubjectFactory } from '../subject.js';

const HOOK = 'BENCH_HOOK';
type Hook = { handler: BenchHandler };

@Module({})
class NestBullBenchModule {}

/** A plain `@nestjs/bullmq` application: one `@Processor` WorkerHost, jobs added with BullMQ's Queue. */
export const nestjsBullmq: SubjectFactory = async ({ concurrency }) => {
  const prefix = uniqueName('nest');
  const url = new URL(REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const queue = new Queue(QUEUE, { connection, prefix });
  const hook: Hook = { handler: () => undefined };

  // The worker's concurrency is decorator metadata, so each run declares its own class.
  @Processor(QUEUE, { concurrency })
  class BenchProcessor extends WorkerHost {
    constructor(@Inject(HOOK) private readonly hook: Hook) {
      super();
    }
    async process(job: Job<BenchPayload>): Promise<void> {
      this.hook.handler(job.data);
    }
  }

  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | undefined;
  return {
    fill: (count) => inChunks(count, (items) => queue.addBulk(items.map((data) => ({ name: JOB, data, opts: BULLMQ_JOB_OPTIONS })))),
    async start(handler) {
      hook.handler = handler;
      const root: DynamicModule = {
        module: NestBullBenchModule,
        imports: [BullModule.forRoot({ connection, prefix }), BullModule.registerQueue({ name: QUEUE })],
        providers: [BenchProcessor, { provide: HOOK, useValue: hook }],
      };
      app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
    },
    add: (data) => queue.add(JOB, data, BULLMQ_JOB_OPTIONS),
    async close() {
      await app?.close();
      await queue.close();
      await deletePrefix(prefix);
    },
  };
};
