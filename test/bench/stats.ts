/** Nearest-rank percentile of unsorted samples; `p` in 0..100. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: number[]) => percentile(values, 50);

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the producer and the handler. */
export const nowMs = () => performance.timeOrigin + performance.now();

/** Rejects after `ms` with a message naming what was awaited; the benchmark never hangs on a stuck scenario. */
export function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)),
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** CPU time of this process (user + system) since `since`, in µs per job. */
export function cpuUsPerJob(since: NodeJS.CpuUsage, jobs: number): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / jobs;
}
