import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobEventBus, JobProcessor, JobService, JobsModule, type JobHandler } from 'nestjs-jobs';
import { REDIS_URL, deletePrefix, uniqueName } from '../services.js';
import { BULK, JOB, QUEUE, type BenchPayload } from '../subject.js';

@JobProcessor(JOB, { queue: QUEUE })
class TrivialJob implements JobHandler<BenchPayload> {
  handle(): void {}
}

/** Counts finished jobs from the module's own events, and resolves a wait once a count is reached. */
class Finished {
  count = 0;
  private waiter?: { target: number; resolve: () => void };

  constructor(bus: JobEventBus) {
    bus.subscribe({ event: 'completed' }, () => {
      this.count++;
      if (this.waiter && this.count >= this.waiter.target) this.waiter.resolve();
    });
  }

  reach(target: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { target, resolve }));
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
 * completion so Redis does not grow; at each checkpoint it waits for every job to finish and reads its resident set.
 */
export async function memory(checkpoints: number[]): Promise<number[]> {
  const prefix = uniqueName('mem');
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
    providers: [TrivialJob],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  try {
    const jobs = app.get(JobService);
    const finished = new Finished(app.get(JobEventBus));
    const readings: number[] = [];
    let added = 0;
    for (const target of checkpoints) {
      while (added < target) {
        // At most 5,000 waiting: the next batch goes in once the one before the last has finished.
        await finished.reach(added - 5_000);
        const size = Math.min(BULK, target - added);
        await jobs.addBulk(Array.from({ length: size }, (_, k) => ({ name: JOB, data: { i: added + k, at: 0 } })));
        added += size;
      }
      // Counted on 'completed', which BullMQ emits once a job is stored as finished: nothing is left in flight.
      await finished.reach(target);
      readings.push(rssMb());
    }
    return readings;
  } finally {
    await app.close();
    await deletePrefix(prefix);
  }
}
