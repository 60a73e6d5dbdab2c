import { Injectable } from '@nestjs/common';
import { QueueRegistry } from '../runtime/queue.registry.js';
import { WorkerHost } from '../runtime/worker.host.js';
import { within } from '../runtime/within.js';

/** The shape `@nestjs/terminus` reads: `status: 'down'` under any key makes the check fail with 503. */
export type JobsHealthResult = Record<
  string,
  { status: 'up' | 'down'; latencyMs?: number; workers: string[]; missingWorkers: string[]; pausedQueues: string[]; message?: string }
>;

/**
 * For `@nestjs/terminus`: `health.check([() => jobsHealth.isHealthy()])`. Down when the queue backend does not answer
 * within `timeout` or a queue this instance should work has no running worker; paused queues are reported, not failed.
 * It needs nothing from terminus at run time, so hosts without it pay nothing.
 */
@Injectable()
export class JobsHealthIndicator {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly workers: WorkerHost,
  ) {}

  async isHealthy(key = 'jobs', options: { timeout?: number } = {}): Promise<JobsHealthResult> {
    const timeout = options.timeout ?? 1000;
    const running = this.workers.running;
    const missingWorkers = this.workers.queuesToWork().filter((q) => !running.includes(q));
    const names = this.queues.names();
    const started = Date.now();
    try {
      const reading = Promise.all(names.map((q) => this.queues.get(q).isPaused()));
      if (!(await within(reading, timeout)))
        return down(key, `The queue backend did not answer within ${timeout} ms.`, running, missingWorkers);
      const paused = await reading;
      const latencyMs = Date.now() - started;
      const pausedQueues = names.filter((_, i) => paused[i]);
      if (missingWorkers.length) {
        return {
          [key]: {
            status: 'down',
            latencyMs,
            workers: running,
            missingWorkers,
            pausedQueues,
            message: `No running worker for: ${missingWorkers.join(', ')}.`,
          },
        };
      }
      return { [key]: { status: 'up', latencyMs, workers: running, missingWorkers, pausedQueues } };
    } catch (err) {
      return down(key, `The queue backend is unreachable: ${(err as Error).message}`, running, missingWorkers);
    }
  }
}

function down(key: string, message: string, workers: string[], missingWorkers: string[]): JobsHealthResult {
  return { [key]: { status: 'down', workers, missingWorkers, pausedQueues: [], message } };
}
