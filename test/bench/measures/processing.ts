import { postgresCpuReader } from '../postgres-cpu.js';
import { profileWindow } from '../profile.js';
import { cpuUsPerJob, deadline } from '../stats.js';
import type { SubjectFactory } from '../subject.js';

export interface ProcessingRun {
  concurrency: number;
  count: number;
  /** A run stops here even if jobs are left: a poll-bound peer is measured over this time instead of all jobs. */
  capMs: number;
}

export interface ProcessingResult {
  jobsPerSecond: number;
  /** CPU time of this process per job (user + system): less sensitive than throughput to other work on the machine. */
  cpuUsPerJob: number;
  /** CPU time of the PostgreSQL server per job over the same window (null where it cannot be read). */
  dbCpuUsPerJob: number | null;
}

/**
 * Jobs per second over `count` jobs queued beforehand, from the first handler start to the last (start-up excluded
 * alike for everyone), plus whatever the subject still owes for those jobs afterwards (history rows).
 */
export async function processing(factory: SubjectFactory, run: ProcessingRun, label = 'run'): Promise<ProcessingResult> {
  const subject = await factory({ concurrency: run.concurrency });
  try {
    await subject.fill(run.count);
    let handled = 0;
    let first = 0;
    let last = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    let cpu = process.cpuUsage();
    const dbCpu = await postgresCpuReader();
    let dbCpuAtFirst = 0;
    let profiled: Promise<() => Promise<void>> | undefined;
    await subject.start(() => {
      last = performance.now();
      if (handled++ === 0) {
        first = last;
        cpu = process.cpuUsage();
        dbCpuAtFirst = dbCpu?.() ?? 0;
        profiled = profileWindow(`${label}-c${run.concurrency}`);
        setTimeout(done, run.capMs).unref();
      }
      if (handled === run.count) done();
    });
    await deadline(finished, run.capMs + 120_000, `${run.count} jobs at concurrency ${run.concurrency}`);
    const counted = handled;
    const end = subject.settle ? (await subject.settle(), performance.now()) : last;
    const cpuPerJob = cpuUsPerJob(cpu, counted);
    const dbCpuUsPerJob = dbCpu ? ((dbCpu() - dbCpuAtFirst) * 1000) / counted : null;
    const stopProfile = await profiled;
    await stopProfile?.();
    return { jobsPerSecond: (counted - 1) / ((end - first) / 1000), cpuUsPerJob: cpuPerJob, dbCpuUsPerJob };
  } finally {
    await subject.close();
  }
}
