/** Simulated work inside a handler that ends early when the job's signal aborts. Not used to synchronise tests. */
export function work(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
