import { setTimeout as pace } from 'node:timers/promises';
import { deadline, nowMs, percentile } from '../stats.js';
import type { SubjectFactory } from '../subject.js';

export interface LatencyRun {
  rate: number;
  seconds: number;
  /** Jobs of the first second are not counted: connections and JIT warm up. */
  warmupSeconds: number;
}

/** Enqueue-to-handler-start delay at a steady rate, in one process, with the enqueue time carried in the payload. */
export async function latency(factory: SubjectFactory, run: LatencyRun): Promise<{ p50: number; p99: number }> {
  const subject = await factory({ concurrency: 50 });
  try {
    const total = run.rate * run.seconds;
    const skip = run.rate * run.warmupSeconds;
    const samples: number[] = [];
    let seen = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await subject.start((data) => {
      const delay = nowMs() - data.at;
      if (data.i >= skip) samples.push(delay);
      if (++seen === total) done();
    });
    const interval = 1000 / run.rate;
    const begin = performance.now();
    const adds: Array<Promise<unknown>> = [];
    for (let i = 0; i < total; i++) {
      // The load's pace, not a wait for a result: each add is due at its slot from the start, so a late one is
      // followed by an early one and the rate holds.
      const due = begin + i * interval - performance.now();
      if (due > 0) await pace(due);
      adds.push(subject.add({ i, at: nowMs() }));
    }
    await Promise.all(adds);
    await deadline(finished, 60_000, `${total} jobs at ${run.rate}/s`);
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  } finally {
    await subject.close();
  }
}
