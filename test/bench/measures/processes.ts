import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { JobProcessor, JobService, JobsModule, type JobHandler } from 'nestjs-jobs';
import { REDIS_URL, deletePrefix, uniqueName } from '../services.js';
import { deadline } from '../stats.js';
import { BULLMQ_JOB_OPTIONS, JOB, QUEUE, inChunks, type BenchPayload } from '../subject.js';

export interface ProcessesResult {
  kind: 'raw' | 'module';
  processes: number;
  jobsPerSecond: number;
  /** CPU time of all worker processes together, per job (the producer's excluded). */
  cpuUsPerJob: number;
}

@JobProcessor(JOB, { queue: QUEUE })
class ProducerView implements JobHandler<BenchPayload> {
  handle(): void {
    throw new Error('runs in the worker processes only');
  }
}

@Module({})
class ProducerApp {}

const WORKER = fileURLToPath(new URL('./process-worker.ts', import.meta.url));
const REGISTER = fileURLToPath(new URL('../register.mjs', import.meta.url));

/**
 * `count` jobs queued on one Redis, then taken by 1, 2, 4... worker processes at concurrency 50 each, BullMQ's own
 * Worker first, then the module's (history off), started together on a paused queue and let go at once: throughput
 * from the resume until every job is handled, and the CPU time of the workers per job (Redis's and the producer's
 * excluded). On this 2-core machine the workers share the cores with each other and with Redis.
 */
export async function processes(counts: number[], count: number): Promise<ProcessesResult[]> {
  const results: ProcessesResult[] = [];
  for (const kind of ['raw', 'module'] as const) for (const k of counts) results.push(await run(kind, k, count));
  return results;
}

/** The producer of one run: the module's JobService, or a BullMQ Queue with the module's default job options. */
async function producerOf(kind: 'raw' | 'module', prefix: string) {
  if (kind === 'raw') {
    const url = new URL(REDIS_URL);
    const queue = new Queue(QUEUE, { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
    return {
      pause: () => queue.pause(),
      resume: () => queue.resume(),
      addBulk: (items: BenchPayload[]) => queue.addBulk(items.map((data) => ({ name: JOB, data, opts: BULLMQ_JOB_OPTIONS }))),
      close: () => queue.close(),
    };
  }
  const root: DynamicModule = {
    module: ProducerApp,
    imports: [JobsModule.forRoot({ connection: { redis: REDIS_URL }, prefix, workers: false })],
    providers: [ProducerView],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  const jobs = app.get(JobService);
  return {
    pause: () => jobs.pause(QUEUE),
    resume: () => jobs.resume(QUEUE),
    addBulk: (items: BenchPayload[]) => jobs.addBulk(items.map((data) => ({ name: JOB, data }))),
    close: () => app.close(),
  };
}

async function run(kind: 'raw' | 'module', k: number, count: number): Promise<ProcessesResult> {
  const prefix = uniqueName(`procs${kind}${k}`);
  const producer = await producerOf(kind, prefix);
  const children: ChildProcess[] = [];
  try {
    await producer.pause();
    await inChunks(count, (items) => producer.addBulk(items));
    const handled = new Map<ChildProcess, number>();
    for (let i = 0; i < k; i++) {
      const child = fork(WORKER, [], {
        execArgv: ['--import', REGISTER],
        env: { ...process.env, PREFIX: prefix, KIND: kind },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.on('message', (m: { handled?: number }) => typeof m === 'object' && m.handled !== undefined && handled.set(child, m.handled));
      children.push(child);
    }
    await deadline(Promise.all(children.map((c) => once(c, 'message'))), 60_000, `${k} worker processes ready`);
    for (const child of children) child.send('go');
    const started = performance.now();
    await producer.resume();
    const total = () => [...handled.values()].reduce((a, b) => a + b, 0);
    await deadline(
      new Promise<void>((resolve) => {
        const check = setInterval(() => total() >= count && (clearInterval(check), resolve()), 20);
      }),
      300_000,
      `${count} jobs on ${k} processes`,
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = await Promise.all(
      children.map(async (child) => {
        const answer = once(child, 'message', {}).then(([m]) => m as { cpuUs?: number });
        child.send('stop');
        // The periodic counts may come first: wait for the one that carries the CPU time.
        for (let m = await answer; ; m = ((await once(child, 'message')) as [{ cpuUs?: number }])[0])
          if (m.cpuUs !== undefined) return m.cpuUs;
      }),
    );
    return { kind, processes: k, jobsPerSecond: count / seconds, cpuUsPerJob: cpu.reduce((a, b) => a + b, 0) / count };
  } finally {
    await Promise.all(children.filter((c) => c.exitCode === null).map((c) => once(c, 'exit')));
    await producer.close();
    await deletePrefix(prefix);
  }
}
