import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Header, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { register, Registry } from 'prom-client';
import {
  JobEventBus,
  JobProcessor,
  JobService,
  JobsConfigurationError,
  JobsHealthIndicator,
  JobsMetrics,
  type JobHandler,
  type JobsMetricsOptions,
} from '../../lib/index.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { stallQueueBackend } from '../support/services.js';
import { EventLog } from '../support/wait.js';

@JobProcessor('c.ok', { queue: 'work' })
class OkJob implements JobHandler<unknown, string> {
  handle() {
    return 'ok';
  }
}

@JobProcessor('c.other', { queue: 'other' })
class OtherJob implements JobHandler<unknown, string> {
  handle() {
    return 'other';
  }
}

/** What `@willsoto/nestjs-prometheus` does: the host serves prom-client's global register at /metrics. */
@Controller()
class HostMetricsController {
  @Get('metrics')
  @Header('Content-Type', register.contentType)
  scrape() {
    return register.metrics();
  }
}

const sampleOf = (text: string, line: string) => text.split('\n').find((l) => l.startsWith(line + ' '));

describe('metrics beside the host’s own Prometheus setup', () => {
  const apps: HttpTestApp[] = [];
  const start = async (metrics: JobsMetricsOptions, controllers: Array<new () => unknown> = []) => {
    @Module({ controllers })
    class HostModule {}
    const app = await createHttpApp({ providers: [OkJob], imports: [HostModule], extras: { metrics } });
    apps.push(app);
    return app;
  };

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it("adds its metrics to prom-client's default register with registry: 'default', and leaves /metrics to the host", async () => {
    const h = await start({ enabled: true, registry: 'default' }, [HostMetricsController]);
    expect(h.app.get(JobsMetrics).registry).toBe(register);
    const events = new EventLog(h.app.get(JobEventBus));
    try {
      const { id } = await h.app.get(JobService).add('c.ok', {});
      await events.waitFor('completed', id);
    } finally {
      events.stop();
    }
    // The host's route answers, with the module's metrics in it: no second route collides with it.
    const res = await fetch(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sampleOf(text, 'jobs_completed_total{queue="work",name="c.ok"}')).toBe('jobs_completed_total{queue="work",name="c.ok"} 1');
    expect(sampleOf(text, 'jobs_queue_paused{queue="work"}')).toBe('jobs_queue_paused{queue="work"} 0');

    await apps.splice(0)[0].close();
    // Taken back at shutdown, so the next app (or the next test) can register them again.
    expect(register.getMetricsAsArray().filter((m) => m.name.startsWith('jobs_'))).toEqual([]);
  });

  it('serves no route with path: false, and the host scrapes JobsMetrics itself', async () => {
    const h = await start({ enabled: true, path: false });
    expect((await fetch(`${h.url}/metrics`)).status).toBe(404);
    const events = new EventLog(h.app.get(JobEventBus));
    try {
      const { id } = await h.app.get(JobService).add('c.ok', {});
      await events.waitFor('completed', id);
    } finally {
      events.stop();
    }
    const text = await h.app.get(JobsMetrics).metrics();
    expect(sampleOf(text, 'jobs_enqueued_total{queue="work",name="c.ok"}')).toBe('jobs_enqueued_total{queue="work",name="c.ok"} 1');
    // Its own registry, not the global one.
    expect(await register.metrics()).not.toContain('jobs_enqueued_total');
  });

  it('refuses bad metrics options at start-up, naming the option', async () => {
    const cases: Array<[JobsMetricsOptions, string]> = [
      [{ registry: 'global' as never }, `JobsModule option "metrics.registry" must be a prom-client Registry or 'default'`],
      [{ registry: {} as Registry }, 'JobsModule option "metrics.registry" must be'],
      [
        { path: true as never },
        'JobsModule option "metrics.path" must be a URL path such as "metrics", or false to serve no route; got true.',
      ],
      [{ path: '' }, 'JobsModule option "metrics.path" must be a URL path'],
      [
        { prefix: 'jobs-' },
        'JobsModule option "metrics.prefix" must be the start of a Prometheus metric name, such as "jobs_"; got "jobs-".',
      ],
      [
        { durationBuckets: [1, 0.5] },
        'JobsModule option "metrics.durationBuckets" must be a non-empty array of increasing positive numbers',
      ],
      [{ waitBuckets: [] }, 'JobsModule option "metrics.waitBuckets" must be a non-empty array'],
    ];
    for (const [metrics, message] of cases) {
      const err = await createHttpApp({ providers: [OkJob], extras: { metrics: { enabled: true, ...metrics } } }).then(
        async (app) => (await app.close(), undefined),
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(JobsConfigurationError);
      expect(err?.message).toContain(message);
    }
  });
});

@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly jobs: JobsHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.jobs.check('jobs', { timeout: 500 })]);
  }

  @Get('health/degraded')
  @HealthCheck()
  degraded() {
    return this.health.check([() => this.jobs.check('jobs', { pausedIs: 'degraded' })]);
  }

  @Get('health/strict')
  @HealthCheck()
  strict() {
    return this.health.check([() => this.jobs.check('queues', { pausedIs: 'down' })]);
  }
}

@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController] })
class HealthModule {}

interface HealthBody {
  status: string;
  info?: Record<string, Record<string, unknown>>;
  error?: Record<string, Record<string, unknown>>;
  details: Record<string, Record<string, unknown>>;
}

async function health(url: string): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as HealthBody };
}

describe('JobsHealthIndicator.check, on terminus’ HealthIndicatorService', () => {
  let h: HttpTestApp | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('is up, degraded or down for a paused queue as pausedIs says, and down while the backend does not answer', async () => {
    h = await createHttpApp({ providers: [OkJob, OtherJob], imports: [HealthModule] });
    const jobs = h.app.get(JobService);
    const indicator = h.app.get(JobsHealthIndicator);

    const up = await health(`${h.url}/health`);
    expect(up.status).toBe(200);
    expect(up.body.status).toBe('ok');
    expect(up.body.info?.jobs).toEqual({
      status: 'up',
      latencyMs: expect.any(Number),
      workers: ['default', 'other', 'work'],
      missingWorkers: [],
      pausedQueues: [],
    });
    // Built by terminus' session, the same details as the terminus-free isHealthy gives.
    const [built, plain] = [await indicator.check(), await indicator.isHealthy()];
    expect({ ...built.jobs, latencyMs: 0 }).toEqual({ ...plain.jobs, latencyMs: 0 });

    await jobs.pause('other');
    // By default a paused queue is reported and the check stays up.
    const reported = await health(`${h.url}/health`);
    expect(reported.status).toBe(200);
    expect(reported.body.info?.jobs).toMatchObject({ status: 'up', pausedQueues: ['other'] });
    // pausedIs: 'degraded': terminus says "degraded" and still answers 200.
    const degraded = await health(`${h.url}/health/degraded`);
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.details.jobs).toMatchObject({ status: 'degraded', pausedQueues: ['other'], message: 'Paused: other.' });
    // pausedIs: 'down': a paused queue fails the check, under the key given.
    const strict = await health(`${h.url}/health/strict`);
    expect(strict.status).toBe(503);
    expect(strict.body.error?.queues).toMatchObject({ status: 'down', pausedQueues: ['other'], message: 'Paused: other.' });
    await jobs.resume('other');
    expect((await health(`${h.url}/health/strict`)).status).toBe(200);

    await stallQueueBackend(h.prefix, 1_500);
    const stalled = await health(`${h.url}/health`);
    expect(stalled.status).toBe(503);
    expect(stalled.body.error?.jobs).toMatchObject({ status: 'down', message: 'The queue backend did not answer within 500 ms.' });
  });

  it('refuses a pausedIs it does not know, naming it', async () => {
    h = await createHttpApp({ providers: [OkJob] });
    const indicator = h.app.get(JobsHealthIndicator);
    await expect(indicator.check('jobs', { pausedIs: 'yellow' as never })).rejects.toThrow(
      `JobsHealthIndicator option "pausedIs" must be 'up', 'degraded' or 'down'; got "yellow".`,
    );
  });
});
