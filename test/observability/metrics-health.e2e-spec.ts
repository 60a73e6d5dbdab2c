import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import type { Worker } from 'bullmq';
import { Counter, Registry } from 'prom-client';
import {
  JobEventBus,
  JobProcessor,
  JobService,
  JobsHealthIndicator,
  JobsMetrics,
  type JobContext,
  type JobHandler,
  type JobsModuleExtras,
  type JobsModuleOptions,
} from '../../lib/index.js';
import { WorkerHost } from '../../lib/runtime/worker.host.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { stallQueueBackend } from '../support/services.js';
import { work } from '../support/sleep.js';
import { EventLog, waitUntil } from '../support/wait.js';

// ---------------------------------------------------------------------------------------------------------------------
// Processors

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}

@JobProcessor('m.ok', { queue: 'work' })
class OkJob implements JobHandler<unknown, string> {
  handle() {
    return 'ok';
  }
}

@JobProcessor('m.flaky', { queue: 'work', attempts: 2, backoff: { type: 'fixed', delay: 10 } })
class FlakyJob implements JobHandler<unknown, string> {
  handle(_: unknown, ctx: JobContext) {
    if (ctx.attempt === 1) throw new Error('first attempt fails');
    return 'second time lucky';
  }
}

@JobProcessor('m.declined', { queue: 'work', attempts: 1 })
class DeclinedJob implements JobHandler<unknown, never> {
  handle(): never {
    throw new PaymentDeclined('card declined');
  }
}

@JobProcessor('m.slow', { queue: 'work', attempts: 1, timeout: 200 })
class SlowJob implements JobHandler<unknown, string> {
  async handle(_: unknown, ctx: JobContext) {
    await work(10_000, ctx.signal);
    return 'too late';
  }
}

@JobProcessor('m.tick', { queue: 'work' })
class TickJob implements JobHandler<unknown, string> {
  handle() {
    return 'tick';
  }
}

/** Runs until the test opens its gate, so the test can look at the queue while the job is active. */
const gates: Array<() => void> = [];
@JobProcessor('m.hold', { queue: 'hold' })
class HoldJob implements JobHandler<unknown, string> {
  async handle(_: unknown, ctx: JobContext) {
    await new Promise<void>((resolve) => {
      gates.push(resolve);
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 'released';
  }
}

@JobProcessor('m.idle', { queue: 'idle' })
class IdleJob implements JobHandler<unknown, string> {
  handle() {
    return 'idle';
  }
}

const METRIC_PROCESSORS = [OkJob, FlakyJob, DeclinedJob, SlowJob, TickJob, HoldJob, IdleJob];

@JobProcessor('h.a', { queue: 'alpha' })
class AlphaJob implements JobHandler<unknown, string> {
  handle() {
    return 'a';
  }
}

@JobProcessor('h.b', { queue: 'beta' })
class BetaJob implements JobHandler<unknown, string> {
  handle() {
    return 'b';
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Prometheus text exposition format

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Scrape {
  status: number;
  contentType: string | null;
  text: string;
  samples: Sample[];
  types: Map<string, string>;
}

function parseExposition(text: string): Pick<Scrape, 'samples' | 'types'> {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (!line || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!sample) throw new Error(`Not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    const raw = sample[3];
    samples.push({ name: sample[1], labels, value: raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw) });
  }
  return { samples, types };
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    text,
    ...(res.status === 200 ? parseExposition(text) : { samples: [], types: new Map() }),
  };
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

/** The value of the one sample with exactly these labels, or undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.filter((s) => s.name === name && sameLabels(s.labels, labels));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

// ---------------------------------------------------------------------------------------------------------------------

interface StartedApp {
  h: HttpTestApp;
  events: EventLog;
  jobs: JobService;
  close(): Promise<void>;
}

async function startApp(
  providers: Provider[],
  extras: JobsModuleExtras,
  options: Partial<JobsModuleOptions> = {},
  imports: ModuleMetadata['imports'] = [],
): Promise<StartedApp> {
  const h = await createHttpApp({ providers, imports, extras, options, globalPrefix: 'api/v1' });
  const events = new EventLog(h.app.get(JobEventBus));
  return { h, events, jobs: h.app.get(JobService), close: async () => (events.stop(), h.close()) };
}

describe('Prometheus metrics', () => {
  const opened: StartedApp[] = [];
  const start = async (providers: Provider[], extras: JobsModuleExtras) => {
    const started = await startApp(providers, extras);
    opened.push(started);
    return started;
  };

  afterEach(async () => {
    // A held job would make the app's shutdown wait: open every gate first.
    gates.splice(0).forEach((open) => open());
    await Promise.all(opened.splice(0).map((app) => app.close()));
  });

  it('counts the lifecycle by queue, name and failure reason, times attempts and waits, and reads queue sizes', async () => {
    const { h, events, jobs } = await start(METRIC_PROCESSORS, { metrics: { enabled: true } });

    const oks = await Promise.all([1, 2, 3].map(() => jobs.add('m.ok', {})));
    const flaky = await jobs.add('m.flaky', {});
    const declined = await jobs.add('m.declined', {});
    const slow = await jobs.add('m.slow', {});
    const tick = await jobs.add('m.tick', {}, { delay: 300 });
    const doomed = await jobs.add('m.idle', {}, { delay: 60_000 });
    expect(await jobs.cancel(doomed.id)).toEqual({ id: doomed.id, state: 'cancelled' });

    for (const { id } of [...oks, flaky, tick]) await events.waitFor('completed', id);
    const failure = await events.waitFor('failed', declined.id);
    expect(failure.error?.name).toBe('PaymentDeclined');
    await events.waitFor('timeout', slow.id);

    // One job kept active, one paused queue with a waiting and a delayed job: the gauges read them from the backend.
    const held = await jobs.add('m.hold', {});
    await events.waitFor('active', held.id);
    await jobs.pause('idle');
    await jobs.add('m.idle', {}, { delay: 60_000 });
    await jobs.add('m.idle', {});
    await jobs.add('m.idle', {}, { priority: 'high' });

    const m = await scrape(`${h.url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.contentType).toMatch(/^text\/plain/);
    const v = (name: string, labels: Record<string, string>) => valueOf(m.samples, name, labels);
    const inWork = (name: string) => ({ queue: 'work', name });

    expect(m.types.get('jobs_enqueued_total')).toBe('counter');
    expect(m.types.get('jobs_run_duration_seconds')).toBe('histogram');
    expect(m.types.get('jobs_queue_waiting')).toBe('gauge');

    expect(v('jobs_enqueued_total', inWork('m.ok'))).toBe(3);
    for (const name of ['m.flaky', 'm.declined', 'm.slow', 'm.tick']) expect(v('jobs_enqueued_total', inWork(name))).toBe(1);
    expect(v('jobs_enqueued_total', { queue: 'idle', name: 'm.idle' })).toBe(4);
    expect(v('jobs_enqueued_total', { queue: 'hold', name: 'm.hold' })).toBe(1);

    expect(v('jobs_completed_total', inWork('m.ok'))).toBe(3);
    expect(v('jobs_completed_total', inWork('m.flaky'))).toBe(1);
    expect(v('jobs_completed_total', inWork('m.tick'))).toBe(1);
    expect(v('jobs_completed_total', inWork('m.declined'))).toBeUndefined();

    expect(v('jobs_failed_total', { ...inWork('m.declined'), reason: 'PaymentDeclined' })).toBe(1);
    expect(v('jobs_failed_total', { ...inWork('m.slow'), reason: 'JobTimeoutError' })).toBe(1);
    // The flaky job's failed first attempt is a retry, not a failure.
    expect(
      m.samples
        .filter((s) => s.name === 'jobs_failed_total')
        .map((s) => s.labels.name)
        .sort(),
    ).toEqual(['m.declined', 'm.slow']);
    expect(v('jobs_retried_total', inWork('m.flaky'))).toBe(1);
    expect(m.samples.filter((s) => s.name === 'jobs_retried_total')).toHaveLength(1);
    expect(v('jobs_cancelled_total', { queue: 'idle', name: 'm.idle' })).toBe(1);

    // Every attempt that ended is timed: the flaky job twice; the cancelled job never started.
    const runs = { 'm.ok': 3, 'm.flaky': 2, 'm.declined': 1, 'm.slow': 1, 'm.tick': 1 };
    for (const [name, count] of Object.entries(runs)) expect(v('jobs_run_duration_seconds_count', inWork(name))).toBe(count);
    expect(v('jobs_run_duration_seconds_count', { queue: 'idle', name: 'm.idle' })).toBeUndefined();
    // The held job is still running: no attempt of it ended.
    expect(v('jobs_run_duration_seconds_count', { queue: 'hold', name: 'm.hold' })).toBeUndefined();
    // The timed-out attempt ran its 200 ms before it was given up.
    expect(v('jobs_run_duration_seconds_bucket', { le: '0.1', ...inWork('m.slow') })).toBe(0);
    expect(v('jobs_run_duration_seconds_bucket', { le: '+Inf', ...inWork('m.slow') })).toBe(1);
    expect(v('jobs_run_duration_seconds_sum', inWork('m.slow'))).toBeGreaterThanOrEqual(0.2);

    // The wait is measured once per job, to its first start, from when it could run: a planned delay is not backlog.
    const firstStarts = { 'm.ok': 3, 'm.flaky': 1, 'm.declined': 1, 'm.slow': 1, 'm.tick': 1 };
    for (const [name, count] of Object.entries(firstStarts)) expect(v('jobs_wait_duration_seconds_count', inWork(name))).toBe(count);
    expect(v('jobs_wait_duration_seconds_count', { queue: 'hold', name: 'm.hold' })).toBe(1);
    expect(v('jobs_wait_duration_seconds_count', { queue: 'idle', name: 'm.idle' })).toBeUndefined();
    const tickStart = events.of('active', tick.id)[0];
    expect(v('jobs_wait_duration_seconds_sum', inWork('m.tick'))).toBeCloseTo(
      (tickStart.startedAt! - tickStart.enqueuedAt! - 300) / 1000,
      3,
    );

    const gauges = (queue: string) =>
      Object.fromEntries(['waiting', 'active', 'delayed', 'failed', 'paused'].map((g) => [g, v(`jobs_queue_${g}`, { queue })]));
    expect(gauges('work')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 2, paused: 0 });
    expect(gauges('hold')).toEqual({ waiting: 0, active: 1, delayed: 0, failed: 0, paused: 0 });
    // Both waiting jobs count, though every job of the module sits in BullMQ's prioritized set, not in its wait list.
    expect(gauges('idle')).toEqual({ waiting: 2, active: 0, delayed: 1, failed: 0, paused: 1 });
    expect(gauges('default')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, paused: 0 });
    expect(
      m.samples
        .filter((s) => s.name === 'jobs_queue_paused')
        .map((s) => s.labels.queue)
        .sort(),
    ).toEqual(['default', 'hold', 'idle', 'work']);

    // The gauges are read at each scrape: they follow the queues.
    gates.splice(0).forEach((open) => open());
    await events.waitFor('completed', held.id);
    await jobs.resume('idle');
    await waitUntil(() => events.of('completed').filter((e) => e.name === 'm.idle').length === 2, 10_000, 'the waiting idle jobs to run');
    const after = await scrape(`${h.url}/metrics`);
    expect(valueOf(after.samples, 'jobs_queue_active', { queue: 'hold' })).toBe(0);
    expect(valueOf(after.samples, 'jobs_queue_paused', { queue: 'idle' })).toBe(0);
    expect(valueOf(after.samples, 'jobs_queue_waiting', { queue: 'idle' })).toBe(0);
    expect(valueOf(after.samples, 'jobs_queue_delayed', { queue: 'idle' })).toBe(1);
    expect(valueOf(after.samples, 'jobs_completed_total', { queue: 'hold', name: 'm.hold' })).toBe(1);
    expect(valueOf(after.samples, 'jobs_run_duration_seconds_count', { queue: 'hold', name: 'm.hold' })).toBe(1);
  });

  it('serves the scrape at metrics.path, and nothing at /metrics', async () => {
    const { h, events, jobs } = await start([OkJob], { metrics: { enabled: true, path: 'internal/prom' } });
    const { id } = await jobs.add('m.ok', {});
    await events.waitFor('completed', id);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(404);
    const m = await scrape(`${h.url}/internal/prom`);
    expect(m.status).toBe(200);
    expect(m.contentType).toMatch(/^text\/plain/);
    expect(valueOf(m.samples, 'jobs_completed_total', { queue: 'work', name: 'm.ok' })).toBe(1);
  });

  it("adds the metrics to the host's registry and serves no route of its own", async () => {
    const hostRegistry = new Registry();
    const { h, events, jobs } = await start([OkJob], { metrics: { enabled: true, registry: hostRegistry } });
    expect(h.app.get(JobsMetrics).registry).toBe(hostRegistry);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(404);

    expect(await hostRegistry.metrics()).not.toMatch(/^jobs_enqueued_total\{/m);
    const { id } = await jobs.add('m.ok', {});
    await events.waitFor('completed', id);
    const { samples } = parseExposition(await hostRegistry.metrics());
    expect(valueOf(samples, 'jobs_enqueued_total', { queue: 'work', name: 'm.ok' })).toBe(1);
    expect(valueOf(samples, 'jobs_completed_total', { queue: 'work', name: 'm.ok' })).toBe(1);
    expect(valueOf(samples, 'jobs_queue_waiting', { queue: 'work' })).toBe(0);
  });

  it("takes its metrics back from the host's registry at shutdown, so the next app can add them again", async () => {
    const hostRegistry = new Registry();
    new Counter({ name: 'host_requests_total', help: 'The host’s own metric.', registers: [hostRegistry] });
    const first = await start([OkJob], { metrics: { enabled: true, registry: hostRegistry } });
    await opened.splice(opened.indexOf(first), 1)[0].close();
    expect(hostRegistry.getMetricsAsArray().map((m) => m.name)).toEqual(['host_requests_total']);
    const second = await start([OkJob], { metrics: { enabled: true, registry: hostRegistry } });
    const { id } = await second.jobs.add('m.ok', {});
    await second.events.waitFor('completed', id);
    expect(valueOf(parseExposition(await hostRegistry.metrics()).samples, 'jobs_completed_total', { queue: 'work', name: 'm.ok' })).toBe(1);
  });

  it('prepends metrics.prefix to every metric name', async () => {
    const { h, events, jobs } = await start([OkJob], { metrics: { enabled: true, prefix: 'app_jobs_' } });
    const { id } = await jobs.add('m.ok', {});
    await events.waitFor('completed', id);
    const m = await scrape(`${h.url}/metrics`);
    expect(m.status).toBe(200);
    expect(valueOf(m.samples, 'app_jobs_enqueued_total', { queue: 'work', name: 'm.ok' })).toBe(1);
    expect(valueOf(m.samples, 'app_jobs_run_duration_seconds_count', { queue: 'work', name: 'm.ok' })).toBe(1);
    expect(valueOf(m.samples, 'app_jobs_queue_paused', { queue: 'work' })).toBe(0);
    const names = new Set(m.samples.map((s) => s.name));
    expect(names.size).toBeGreaterThan(10);
    expect([...names].filter((n) => !n.startsWith('app_jobs_'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------

@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly jobsHealth: JobsHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.jobsHealth.isHealthy()]);
  }
}

@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController] })
class HealthModule {}

describe('JobsHealthIndicator', () => {
  describe('with workers for every queue, behind @nestjs/terminus', () => {
    let app: StartedApp;
    let h: HttpTestApp;
    let indicator: JobsHealthIndicator;
    let jobs: JobService;

    beforeAll(async () => {
      app = await startApp([AlphaJob, BetaJob], {}, {}, [HealthModule]);
      ({ h, jobs } = app);
      indicator = h.app.get(JobsHealthIndicator);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('is up, with the running workers and no paused queue', async () => {
      const result = await indicator.isHealthy();
      expect(result).toEqual({
        jobs: { status: 'up', latencyMs: expect.any(Number), workers: ['alpha', 'beta', 'default'], missingWorkers: [], pausedQueues: [] },
      });
      expect(result.jobs.latencyMs).toBeGreaterThanOrEqual(0);
      expect(Object.keys(await indicator.isHealthy('queue-backend'))).toEqual(['queue-backend']);

      const res = await fetch(`${h.url}/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; info: Record<string, { status: string; workers: string[] }>; error: object };
      expect(body.status).toBe('ok');
      expect(body.info.jobs.status).toBe('up');
      expect(body.info.jobs.workers).toEqual(['alpha', 'beta', 'default']);
      expect(body.error).toEqual({});
    });

    it('reports a paused queue and stays up', async () => {
      await jobs.pause('alpha');
      try {
        const result = await indicator.isHealthy();
        expect(result.jobs).toMatchObject({ status: 'up', pausedQueues: ['alpha'], missingWorkers: [] });
        const res = await fetch(`${h.url}/health`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as { info: { jobs: { pausedQueues: string[] } } }).info.jobs.pausedQueues).toEqual(['alpha']);
      } finally {
        await jobs.resume('alpha');
      }
      expect((await indicator.isHealthy()).jobs.pausedQueues).toEqual([]);
    });

    it('is down, naming its timeout, while the queue backend does not answer, and up again after', async () => {
      await stallQueueBackend(h.prefix, 2_000);
      const [direct, http] = await Promise.all([indicator.isHealthy('jobs', { timeout: 300 }), fetch(`${h.url}/health`)]);
      expect(direct).toEqual({
        jobs: {
          status: 'down',
          workers: ['alpha', 'beta', 'default'],
          missingWorkers: [],
          pausedQueues: [],
          message: 'The queue backend did not answer within 300 ms.',
        },
      });
      // Terminus turns a 'down' into 503, with the indicator's message under error.
      expect(http.status).toBe(503);
      const body = (await http.json()) as { status: string; error: Record<string, { status: string; message: string }> };
      expect(body.status).toBe('error');
      expect(body.error.jobs).toMatchObject({ status: 'down', message: 'The queue backend did not answer within 1000 ms.' });

      const recovered = await waitUntil(
        async () => {
          const result = await indicator.isHealthy('jobs', { timeout: 300 });
          return result.jobs.status === 'up' ? result : undefined;
        },
        10_000,
        'the indicator to be up after the pause',
      );
      expect(recovered.jobs.pausedQueues).toEqual([]);
      expect((await fetch(`${h.url}/health`)).status).toBe(200);
    });

    it('is down, naming the queue, when a worker this instance should run has stopped', async () => {
      // A worker that died (here: closed under the module) leaves its queue unserved; the indicator must notice.
      const workers = h.app.get<WorkerHost, { workers: Worker[] }>(WorkerHost).workers;
      await workers.find((w) => w.name === 'beta')!.close();
      const result = await indicator.isHealthy();
      expect(result.jobs).toMatchObject({
        status: 'down',
        workers: ['alpha', 'default'],
        missingWorkers: ['beta'],
        pausedQueues: [],
        message: 'No running worker for: beta.',
      });
      const res = await fetch(`${h.url}/health`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { jobs: { missingWorkers: string[] } } }).error.jobs.missingWorkers).toEqual(['beta']);
    });
  });

  it('is up with no workers on an instance that only enqueues', async () => {
    const app = await startApp([AlphaJob, BetaJob], {}, { workers: false });
    try {
      expect(await app.h.app.get(JobsHealthIndicator).isHealthy()).toEqual({
        jobs: { status: 'up', latencyMs: expect.any(Number), workers: [], missingWorkers: [], pausedQueues: [] },
      });
    } finally {
      await app.close();
    }
  });

  it('counts only the queues this instance is told to work', async () => {
    const app = await startApp([AlphaJob, BetaJob], {}, { workers: ['beta'] });
    try {
      expect((await app.h.app.get(JobsHealthIndicator).isHealthy()).jobs).toMatchObject({
        status: 'up',
        workers: ['beta'],
        missingWorkers: [],
      });
    } finally {
      await app.close();
    }
  });
});
