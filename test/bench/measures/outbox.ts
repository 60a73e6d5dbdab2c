import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { setTimeout as pace } from 'node:timers/promises';
import { JobProcessor, JobService, JobsModule, type JobHandler } from 'nestjs-jobs';
import type { DataSource } from 'typeorm';
import { historyDatabase } from '../scenarios/module.js';
import { REDIS_URL, deletePrefix, uniqueName } from '../services.js';
import { cpuUsPerJob, deadline, nowMs, percentile } from '../stats.js';
import { BULK, JOB, QUEUE, type BenchHandler, type BenchPayload } from '../subject.js';

const HOOK = 'OUTBOX_BENCH_HOOK';
type Hook = { handler: BenchHandler };

@JobProcessor(JOB, { queue: QUEUE })
class OutboxBenchJob implements JobHandler<BenchPayload> {
  constructor(@Inject(HOOK) private readonly hook: Hook) {}
  handle(data: BenchPayload): void {
    this.hook.handler(data);
  }
}

@Module({})
class OutboxBenchApp {}

export interface OutboxRun {
  /** Jobs per second of the latency run, and its length. */
  rate: number;
  seconds: number;
  /** Jobs of the throughput run, added in transactions of `BULK` jobs each (or by `addBulk` without one). */
  jobs: number;
}

/** One way of adding, measured both ways: latency at a steady rate, then throughput and CPU over a batch of jobs. */
export interface OutboxWay {
  p50: number;
  p99: number;
  jobsPerSecond: number;
  cpuUsPerJob: number;
}

export interface OutboxResult {
  direct: OutboxWay;
  outbox: OutboxWay;
}

/**
 * What the transactional outbox adds, in one process with history on PostgreSQL and the default relay settings: the
 * same jobs added directly (`add`, `addBulk`) and in a transaction of history's DataSource each (`{ transaction }`),
 * timed from the call to the handler's start. The relay runs in this process, so its CPU is counted.
 */
export async function outboxCost(run: OutboxRun): Promise<OutboxResult> {
  const name = uniqueName('outbox');
  const db = await historyDatabase('postgres');
  const hook: Hook = { handler: () => undefined };
  const root: DynamicModule = {
    module: OutboxBenchApp,
    imports: [
      TypeOrmModule.forRoot(db.options),
      JobsModule.forRoot({ connection: { redis: REDIS_URL }, prefix: name, queues: { [QUEUE]: { concurrency: 50 } }, history: true }),
    ],
    providers: [OutboxBenchJob, { provide: HOOK, useValue: hook }],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  try {
    const jobs = app.get(JobService);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const ways = {
      direct: {
        add: (data: BenchPayload) => jobs.add(JOB, data),
        addBulk: (items: BenchPayload[]) => jobs.addBulk(items.map((data) => ({ name: JOB, data }))),
      },
      outbox: {
        add: (data: BenchPayload) => dataSource.transaction((manager) => jobs.add(JOB, data, { transaction: manager })),
        addBulk: (items: BenchPayload[]) =>
          dataSource.transaction((manager) =>
            jobs.addBulk(
              items.map((data) => ({ name: JOB, data })),
              { transaction: manager },
            ),
          ),
      },
    };
    const result = {} as OutboxResult;
    for (const way of ['direct', 'outbox'] as const) {
      const { add, addBulk } = ways[way];
      // Latency: one add (and, for the outbox, one transaction) per slot, at a steady rate; the first second warms up.
      const total = run.rate * run.seconds;
      const samples: number[] = [];
      let seen = 0;
      let done!: () => void;
      let finished = new Promise<void>((resolve) => (done = resolve));
      hook.handler = (data) => {
        if (data.i >= run.rate) samples.push(nowMs() - data.at);
        if (++seen === total) done();
      };
      const begin = performance.now();
      const adds: Array<Promise<unknown>> = [];
      for (let i = 0; i < total; i++) {
        // The load's pace, not a wait for a result (as in the latency measure).
        const due = begin + (i * 1000) / run.rate - performance.now();
        if (due > 0) await pace(due);
        adds.push(add({ i, at: nowMs() }));
      }
      await Promise.all(adds);
      await deadline(finished, 60_000, `${total} ${way} jobs at ${run.rate}/s`);

      // Throughput and CPU: every batch added at once, timed until the last handler starts.
      seen = 0;
      finished = new Promise<void>((resolve) => (done = resolve));
      hook.handler = () => {
        if (++seen === run.jobs) done();
      };
      const cpu = process.cpuUsage();
      const started = performance.now();
      const batches: Array<Promise<unknown>> = [];
      for (let from = 0; from < run.jobs; from += BULK) {
        batches.push(addBulk(Array.from({ length: Math.min(BULK, run.jobs - from) }, (_, k) => ({ i: from + k, at: 0 }))));
      }
      await Promise.all(batches);
      await deadline(finished, 120_000, `${run.jobs} ${way} jobs`);
      const seconds = (performance.now() - started) / 1000;
      result[way] = {
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        jobsPerSecond: run.jobs / seconds,
        cpuUsPerJob: cpuUsPerJob(cpu, run.jobs),
      };
    }
    return result;
  } finally {
    await app.close();
    await deletePrefix(name);
    await db.drop();
  }
}
