import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';

/**
 * With `BENCH_PROFILE=<folder>`, a CPU profile of the measured part of a run only (start-up, filling and warm-up left
 * out), written as `<label>.cpuprofile` for Chrome DevTools or any `.cpuprofile` reader. Without it, nothing happens.
 */
export async function profileWindow(label: string): Promise<() => Promise<void>> {
  const folder = process.env.BENCH_PROFILE;
  if (!folder) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(folder, `${label}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}
