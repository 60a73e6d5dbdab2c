import { Injectable } from '@nestjs/common';
import type * as Terminus from '@nestjs/terminus';
import { JobsConfigurationError } from '../jobs.errors.js';
import { importIfInstalled } from '../optional-import.js';
import { QueueRegistry } from '../runtime/queue.registry.js';
import { WorkerHost } from '../runtime/worker.host.js';
import { within } from '../within.js';

/** What the indicator found, under its key. */
export interface JobsHealthDetails {
  status: 'up' | 'degraded' | 'down';
  latencyMs?: number;
  workers: string[];
  missingWorkers: string[];
  pausedQueues: string[];
  message?: string;
}

/** The shape `@nestjs/terminus` reads: `status: 'down'` under any key makes the check fail with 503. */
export type JobsHealthResult = Record<string, JobsHealthDetails>;

export interface JobsHealthOptions {
  /** How long the queue backend may take to answer, in ms. Default 1000. */
  timeout?: number;
  /**
   * What a paused queue makes the indicator: `up` (reported in `pausedQueues` only; the default), `degraded`
   * (terminus ≥ 12.1: the check's status is `degraded`, still HTTP 200) or `down` (503).
   */
  pausedIs?: 'up' | 'degraded' | 'down';
}

const PAUSED_IS = ['up', 'degraded', 'down'];

/**
 * For `@nestjs/terminus`: `health.check([() => jobsHealth.check('jobs')])`. Down when the queue backend does not answer
 * within `timeout` or a queue this instance should work has no running worker; paused queues are reported, and fail
 * the check only if `pausedIs` says so. Terminus is loaded by `check` only, so hosts without it pay nothing.
 */
@Injectable()
export class JobsHealthIndicator {
  private indicators?: Terminus.HealthIndicatorService;

  constructor(
    private readonly queues: QueueRegistry,
    private readonly workers: WorkerHost,
  ) {}

  /** The result built by terminus' `HealthIndicatorService` (`check(key).up(…)`/`.degraded(…)`/`.down(…)`). */
  async check(key = 'jobs', options: JobsHealthOptions = {}): Promise<JobsHealthResult> {
    const service = await this.indicatorService();
    const { status, ...details } = (await this.isHealthy(key, options))[key];
    const session = service.check(key);
    if (status === 'down') return session.down(details);
    // Terminus before 12.1 has no `degraded`: the queue is then reported under `pausedQueues` of an `up`.
    if (status === 'degraded' && 'degraded' in session) return session.degraded(details);
    return session.up(details);
  }

  /** The same result built without terminus, for hosts on terminus 10 or none. */
  async isHealthy(key = 'jobs', options: JobsHealthOptions = {}): Promise<JobsHealthResult> {
    const timeout = options.timeout ?? 1000;
    const pausedIs = options.pausedIs ?? 'up';
    if (!PAUSED_IS.includes(pausedIs)) {
      throw new JobsConfigurationError(
        `JobsHealthIndicator option "pausedIs" must be 'up', 'degraded' or 'down'; got ${JSON.stringify(pausedIs)}.`,
      );
    }
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
      const found = { latencyMs, workers: running, missingWorkers, pausedQueues };
      if (missingWorkers.length) {
        return { [key]: { status: 'down', ...found, message: `No running worker for: ${missingWorkers.join(', ')}.` } };
      }
      if (pausedQueues.length && pausedIs !== 'up') {
        return { [key]: { status: pausedIs, ...found, message: `Paused: ${pausedQueues.join(', ')}.` } };
      }
      return { [key]: { status: 'up', ...found } };
    } catch (err) {
      return down(key, `The queue backend is unreachable: ${(err as Error).message}`, running, missingWorkers);
    }
  }

  private async indicatorService(): Promise<Terminus.HealthIndicatorService> {
    if (this.indicators) return this.indicators;
    const terminus = await importIfInstalled<typeof Terminus>('@nestjs/terminus');
    if (!terminus?.HealthIndicatorService) {
      throw new JobsConfigurationError(
        'JobsHealthIndicator.check needs @nestjs/terminus 11 or later, which is not installed: run npm install @nestjs/terminus, or use isHealthy.',
      );
    }
    return (this.indicators = new terminus.HealthIndicatorService());
  }
}

function down(key: string, message: string, workers: string[], missingWorkers: string[]): JobsHealthResult {
  return { [key]: { status: 'down', workers, missingWorkers, pausedQueues: [], message } };
}
