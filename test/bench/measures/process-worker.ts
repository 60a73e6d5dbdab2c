import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Worker } from 'bullmq';
import { JobProcessor, JobsModule, type JobHandler } from 'nestjs-jobs';
import { REDIS_URL } from '../services.js';
import { JOB, QUEUE, type BenchPayload } from '../subject.js';

/**
 * One worker process of the `processes` measure: the module (history off) or, with KIND=raw, BullMQ's own Worker, at
 * concurrency 50 on the parent's prefix; it counts the jobs it handled and tells the parent every 100 ms. On `go` it takes its CPU baseline; on `stop` it answers with its CPU
 * time since `go` and closes.
 */
let handled = 0;

@JobProcessor(JOB, { queue: QUEUE })
class CountedJob implements JobHandler<BenchPayload> {
  handle(): void {
    handled++;
  }
}

@Module({})
class WorkerApp {}

const root: DynamicModule = {
  module: WorkerApp,
  imports: [
    JobsModule.forRoot({ connection: { redis: REDIS_URL }, prefix: process.env.PREFIX!, queues: { [QUEUE]: { concurrency: 50 } } }),
  ],
  providers: [CountedJob],
};
const url = new URL(REDIS_URL);
const close: () => Promise<unknown> =
  process.env.KIND === 'raw'
    ? await (async () => {
        const worker = new Worker(QUEUE, async () => void handled++, {
          connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
          prefix: process.env.PREFIX!,
          concurrency: 50,
        });
        await worker.waitUntilReady();
        return () => worker.close();
      })()
    : await (async () => {
        const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
        return () => app.close();
      })();
let cpu = process.cpuUsage();
const report = setInterval(() => process.send!({ handled }), 100);
process.on('message', (message: string) => {
  if (message === 'go') cpu = process.cpuUsage();
  if (message === 'stop') {
    clearInterval(report);
    const used = process.cpuUsage(cpu);
    process.send!({ handled, cpuUs: used.user + used.system }, () => void close().then(() => process.exit(0)));
  }
});
process.send!('ready');
