import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { IsInt, IsNumber, Min } from 'class-validator';
import { JobProcessor, JobService, JobsModule, type JobHandler } from 'nestjs-jobs';
import { REDIS_URL, deletePrefix, uniqueName } from '../services.js';
import { cpuUsPerJob } from '../stats.js';
import { BULLMQ_JOB_OPTIONS, BULK, JOB, QUEUE, type BenchPayload } from '../subject.js';

class BenchPayloadSchema {
  @IsInt()
  @Min(0)
  i!: number;

  @IsNumber()
  at!: number;
}

/** Validated at enqueue: the module's add is measured with its class-validator schema on. */
@JobProcessor(JOB, { queue: QUEUE, schema: BenchPayloadSchema })
class ValidatedBenchJob implements JobHandler<BenchPayload> {
  handle(): void {}
}

@Module({})
class EnqueueBenchApp {}

export interface EnqueueRun {
  adds: number;
  bulkJobs: number;
}

interface Producer {
  add(data: BenchPayload): Promise<unknown>;
  addBulk(items: BenchPayload[]): Promise<unknown>;
  close(): Promise<void>;
}

async function producer(kind: 'raw' | 'module', prefix: string): Promise<Producer> {
  if (kind === 'raw') {
    const url = new URL(REDIS_URL);
    const queue = new Queue(QUEUE, { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
    await queue.waitUntilReady();
    return {
      add: (data) => queue.add(JOB, data, BULLMQ_JOB_OPTIONS),
      addBulk: (items) => queue.addBulk(items.map((data) => ({ name: JOB, data, opts: BULLMQ_JOB_OPTIONS }))),
      close: () => queue.close(),
    };
  }
  const root: DynamicModule = {
    module: EnqueueBenchApp,
    imports: [JobsModule.forRoot({ connection: { redis: REDIS_URL }, prefix, workers: false })],
    providers: [ValidatedBenchJob],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  const jobs = app.get(JobService);
  return {
    add: (data) => jobs.add(JOB, data),
    addBulk: (items) => jobs.addBulk(items.map((data) => ({ name: JOB, data }))),
    close: () => app.close(),
  };
}

export interface EnqueueResult {
  add: number;
  addbulk: number;
  /** CPU time of this process per job added (user + system), one by one and in bulk. */
  addCpuUs: number;
  addbulkCpuUs: number;
}

/** Sequential `add`s (each awaited), then `addBulk` in batches of 1,000; operations (jobs) per second and CPU per job. */
export async function enqueue(kind: 'raw' | 'module', run: EnqueueRun): Promise<EnqueueResult> {
  const prefix = uniqueName(`enq_${kind}`);
  const p = await producer(kind, prefix);
  try {
    // A warm-up of both calls, so the first connection's handshake and the JIT's compiling are not timed.
    for (let i = 0; i < 2_000; i++) await p.add({ i, at: Date.now() });
    for (let n = 0; n < 5; n++) await p.addBulk(Array.from({ length: BULK }, (_, k) => ({ i: k, at: Date.now() })));
    let started = performance.now();
    let cpu = process.cpuUsage();
    for (let i = 0; i < run.adds; i++) await p.add({ i, at: Date.now() });
    const add = run.adds / ((performance.now() - started) / 1000);
    const addCpuUs = cpuUsPerJob(cpu, run.adds);
    started = performance.now();
    cpu = process.cpuUsage();
    for (let from = 0; from < run.bulkJobs; from += BULK) {
      await p.addBulk(Array.from({ length: Math.min(BULK, run.bulkJobs - from) }, (_, k) => ({ i: from + k, at: Date.now() })));
    }
    const addbulk = run.bulkJobs / ((performance.now() - started) / 1000);
    return { add, addbulk, addCpuUs, addbulkCpuUs: cpuUsPerJob(cpu, run.bulkJobs) };
  } finally {
    await p.close();
    await deletePrefix(prefix);
  }
}
