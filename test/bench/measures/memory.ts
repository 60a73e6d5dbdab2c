import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobProcessor, JobService, JobsModule, type JobHandler } from 'nestjs-jobs';
import { REDIS_URL, deletePrefix, uniqueName } from '../services.js';
import { sleep } from '../stats.js';
import { BULK, JOB, QUEUE, type BenchPayload } from '../subject.js';

const COUNTER = 'BENCH_COUNTER';
type Counter = { handled: number };

@JobProcessor(JOB, { queue: QUEUE })
class CountedJob implements JobHandler<BenchPayload> {
  constructor(@Inject(COUNTER) private readonly counter: Counter) {}
  handle(): void {
    this.counter.handled++;
  }
}

@Module({})
class MemoryBenchApp {}

/** Resident set after a full GC (run with --expose-gc), in MB. */
function rssMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

/**
 * One process with the module (history off) runs jobs it enqueues itself, at most 5,000 waiting, removed on
 * completion so Redis does not grow; at each checkpoint it lets the queue drain and reads its resident set.
 */
export async function memory(checkpoints: number[]): Promise<number[]> {
  const prefix = uniqueName('mem');
  const counter: Counter = { handled: 0 };
  const root: DynamicModule = {
    module: MemoryBenchApp,
    imports: [
      JobsModule.forRoot({
        connection: { redis: REDIS_URL },
        prefix,
        queues: { [QUEUE]: { concurrency: 50 } },
        defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
      }),
    ],
    providers: [CountedJob, { provide: COUNTER, useValue: counter }],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  try {
    const jobs = app.get(JobService);
    const readings: number[] = [];
    let added = 0;
    for (const target of checkpoints) {
      while (added < target) {
        if (added - counter.handled >= 5_000) {
          await sleep(5);
          continue;
        }
        const size = Math.min(BULK, target - added);
        await jobs.addBulk(Array.from({ length: size }, (_, k) => ({ name: JOB, data: { i: added + k, at: 0 } })));
        added += size;
      }
      while (counter.handled < target) await sleep(20);
      // Completion events and connection buffers settle before the reading.
      await sleep(200);
      readings.push(rssMb());
    }
    return readings;
  } finally {
    await app.close();
    await deletePrefix(prefix);
  }
}
