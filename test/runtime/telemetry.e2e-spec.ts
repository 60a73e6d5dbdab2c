import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { context, propagation, SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BullMQOtel } from 'bullmq-otel';
import {
  JOB_SPAN_ATTRIBUTES,
  JobProcessor,
  JobService,
  JobsConfigurationError,
  type JobContext,
  type JobHandle,
  type JobHandler,
} from '../../lib/index.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { deletePrefix, queueConnection, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('telemetry-spec');

/** The span each attempt's handler saw active, by `<job id>#<attempt>`. */
const seen = new Map<string, SpanContext | undefined>();
const record = (ctx: JobContext) => seen.set(`${ctx.id}#${ctx.attempt}`, trace.getActiveSpan()?.spanContext());

@JobProcessor('traced.confirm')
class ConfirmOrderJob implements JobHandler<{ order: string }, string> {
  async handle(data: { order: string }, ctx: JobContext) {
    await Promise.resolve(); // the span stays active across the handler's awaits
    record(ctx);
    return `confirmed ${data.order}`;
  }
}

@JobProcessor('traced.flaky', { attempts: 2, backoff: 10 })
class FlakyJob implements JobHandler<unknown, string> {
  handle(_: unknown, ctx: JobContext) {
    record(ctx);
    if (ctx.attempt === 1) throw new Error('first attempt fails');
    return 'ok';
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly jobs: JobService) {}

  @Post(':id/confirm')
  confirm(@Param('id') id: string): Promise<JobHandle> {
    return this.jobs.add('traced.confirm', { order: id }, { jobId: `order:${id}` });
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

/** Stands in for an HTTP server instrumentation: each request runs inside a server span of its own. */
function traceRequests(app: INestApplication): void {
  app.use((req: { method: string; path: string }, res: NodeJS.EventEmitter & { setHeader(k: string, v: string): void }, next: () => void) =>
    tracer.startActiveSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER }, (span) => {
      res.setHeader('x-span-id', span.spanContext().spanId);
      res.on('finish', () => span.end());
      next();
    }),
  );
}

const byId = () => new Map(exporter.getFinishedSpans().map((s) => [s.spanContext().spanId, s]));

/** The span's parent, its parent's, and so on, as far as the exporter holds them. */
function ancestorsOf(span: ReadableSpan): ReadableSpan[] {
  const spans = byId();
  const chain: ReadableSpan[] = [];
  for (let parent = spans.get(span.parentSpanContext?.spanId ?? ''); parent; parent = spans.get(parent.parentSpanContext?.spanId ?? '')) {
    chain.push(parent);
  }
  return chain;
}

/** BullMQ's span of each ended attempt of a job, by the id users hold. */
const processSpans = (jobId: string) =>
  exporter
    .getFinishedSpans()
    .filter((s) => s.kind === SpanKind.CONSUMER && s.attributes[JOB_SPAN_ATTRIBUTES.id] === jobId)
    .sort((a, b) => Number(a.attributes[JOB_SPAN_ATTRIBUTES.attempt]) - Number(b.attributes[JOB_SPAN_ATTRIBUTES.attempt]));

/** Waits until BullMQ's spans of `count` attempts of a job have ended (a span ends once its attempt is stored). */
const attemptSpans = (jobId: string, count = 1) =>
  waitUntil(() => (processSpans(jobId).length === count ? processSpans(jobId) : undefined), 10_000, `${count} process span(s) of ${jobId}`);

describe('tracing with OpenTelemetry', () => {
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    propagation.disable();
    await provider.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    seen.clear();
  });

  describe('with telemetry', () => {
    let http: HttpTestApp | undefined;
    let t: JobsTestApp | undefined;
    afterEach(async () => {
      await http?.close();
      await t?.close();
      http = t = undefined;
    });

    it('runs the handler of a job enqueued by an HTTP request inside a span of that request’s trace', async () => {
      http = await createHttpApp({
        options: { telemetry: new BullMQOtel({ tracerName: 'orders' }) },
        imports: [OrdersModule],
        providers: [ConfirmOrderJob],
        configure: traceRequests,
      });
      const res = await fetch(`${http.url}/orders/42/confirm`, { method: 'POST' });
      const handle = (await res.json()) as JobHandle;
      const requestSpanId = res.headers.get('x-span-id');
      expect(handle).toMatchObject({ id: 'order:42', name: 'traced.confirm', queue: 'default' });
      await http.app.get(JobService).waitUntilFinished(handle.id, { timeout: 10_000 });
      const [process] = await attemptSpans('order:42');
      await waitUntil(() => byId().get(requestSpanId!), 10_000, 'the request span to end');

      // The handler ran inside BullMQ's span of its attempt…
      expect(seen.get('order:42#1')).toMatchObject({ spanId: process.spanContext().spanId, traceId: process.spanContext().traceId });
      expect(process.name).toBe('process default');
      // …a child of the span of the add, a child of the request's span.
      const [add, ...above] = ancestorsOf(process);
      expect(add).toMatchObject({ name: 'add default.traced.confirm', kind: SpanKind.PRODUCER });
      expect(above.map((s) => s.spanContext().spanId)).toEqual([requestSpanId]);
      expect(above[0].name).toBe('POST /orders/42/confirm');
      expect(process.spanContext().traceId).toBe(above[0].spanContext().traceId);

      expect(process.attributes).toMatchObject({
        'bullmq.job.name': 'traced.confirm',
        'bullmq.queue.name': 'default',
        'bullmq.job.id': '~order~.42', // as BullMQ stores it
        [JOB_SPAN_ATTRIBUTES.id]: 'order:42',
        [JOB_SPAN_ATTRIBUTES.attempt]: 1,
      });
    });

    it('gives each attempt of a retried job a span of its own, numbered 1 and 2, in the trace of the add', async () => {
      t = await createJobsApp([FlakyJob], { telemetry: new BullMQOtel() });
      const jobs = t.jobs;
      const [handle, enqueue] = await tracer.startActiveSpan('enqueue', async (span) => {
        try {
          return [await jobs.add('traced.flaky', {}), span] as const;
        } finally {
          span.end();
        }
      });
      await t.events.waitFor('completed', handle.id);
      const attempts = await attemptSpans(handle.id, 2);

      expect(attempts.map((s) => s.attributes[JOB_SPAN_ATTRIBUTES.attempt])).toEqual([1, 2]);
      // Each attempt's handler ran inside its own attempt's span.
      expect([seen.get(`${handle.id}#1`)?.spanId, seen.get(`${handle.id}#2`)?.spanId]).toEqual(attempts.map((s) => s.spanContext().spanId));
      // Each attempt follows from the add (the context stored with the job), not from the attempt before it.
      for (const attempt of attempts) {
        expect(attempt.attributes).toMatchObject({
          'bullmq.job.name': 'traced.flaky',
          'bullmq.queue.name': 'default',
          [JOB_SPAN_ATTRIBUTES.id]: handle.id,
        });
        expect(ancestorsOf(attempt).map((s) => s.name)).toEqual(['add default.traced.flaky', 'enqueue']);
        expect(ancestorsOf(attempt)[1].spanContext().spanId).toBe(enqueue.spanContext().spanId);
      }
      expect(attempts[0].events.map((e) => e.name)).toContain('job failed');
      expect(attempts[1].events.map((e) => e.name)).toContain('job completed');
    });

    it('runs every job of a flow in the trace of the code that added the flow', async () => {
      t = await createJobsApp([ConfirmOrderJob], { telemetry: new BullMQOtel() });
      const jobs = t.jobs;
      const [flow, enqueue] = await tracer.startActiveSpan('enqueue', async (span) => {
        try {
          const node = { name: 'traced.confirm', data: { order: 'part' } };
          return [await jobs.flow({ name: 'traced.confirm', data: { order: 'whole' }, children: [node] }), span] as const;
        } finally {
          span.end();
        }
      });
      await t.events.waitFor('completed', flow.id);
      for (const id of [flow.id, flow.children[0].id]) {
        const [process] = await attemptSpans(id);
        expect(seen.get(`${id}#1`)?.spanId).toBe(process.spanContext().spanId);
        expect(ancestorsOf(process).map((s) => s.spanContext().spanId)).toContain(enqueue.spanContext().spanId);
      }
    });

    it.each([
      ['a tracer name', 'my-app'],
      ['an empty object', {}],
      ['a tracer provider', provider],
      ['a tracer without a context manager', { tracer }],
    ])('refuses %s at start-up, naming `telemetry`', async (_, telemetry) => {
      const started = createJobsApp([], { telemetry: telemetry as never });
      await expect(started).rejects.toThrow(JobsConfigurationError);
      await expect(started).rejects.toThrow(/JobsModule option "telemetry" must be BullMQ's Telemetry/);
    });
  });

  describe('without telemetry', () => {
    let t: JobsTestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('traces nothing, and the handler runs in no span even when the add was in one', async () => {
      t = await createJobsApp([ConfirmOrderJob]);
      const jobs = t.jobs;
      const handle = await tracer.startActiveSpan('enqueue', async (span) => {
        try {
          return await jobs.add('traced.confirm', { order: '7' });
        } finally {
          span.end();
        }
      });
      await t.events.waitFor('completed', handle.id);
      expect(seen.has(`${handle.id}#1`)).toBe(true);
      expect(seen.get(`${handle.id}#1`)).toBeUndefined();
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['enqueue']);
    });
  });

  describe('in an application whose @opentelemetry/api the package cannot load', () => {
    const root = new URL('../../', import.meta.url).pathname;
    const prefix = uniquePrefix('otel');
    const dir = mkdtempSync(join(tmpdir(), 'nestjs-jobs-otel-'));
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await deletePrefix(prefix);
    });

    /** Runs the built package in a process of its own, where its imports of `@opentelemetry/api` find nothing. */
    const host = async (telemetry: 'none' | 'custom') => {
      expect(existsSync(`${root}dist/runtime/job-tracing.js`)).toBe(true); // built by `npm run build`
      const loads = join(dir, `${telemetry}.log`);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', './test/runtime/fixtures/hide-otel-api.mjs', 'test/runtime/fixtures/traced-host.mjs'],
        {
          cwd: root,
          env: {
            ...process.env,
            NODE_OPTIONS: '',
            JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)),
            PREFIX: prefix,
            TELEMETRY: telemetry,
            OTEL_API_LOADS: loads,
          },
          timeout: 25_000,
        },
      );
      return {
        ...(JSON.parse(stdout) as { result: unknown; spans: string[] }),
        loads: existsSync(loads) ? readFileSync(loads, 'utf8') : '',
      };
    };

    it('runs jobs with telemetry unset, never trying to load it', async () => {
      expect(await host('none')).toEqual({ result: { greeting: 'hello host', attempt: 1 }, spans: [], loads: '' });
    });

    it('traces with a Telemetry not built on OpenTelemetry, with BullMQ’s spans only', async () => {
      const run = await host('custom');
      expect(run.result).toEqual({ greeting: 'hello host', attempt: 1 });
      expect(run.spans).toEqual(expect.arrayContaining(['add default.greet', 'process default']));
      // Tried once, at start-up, through the package's optional import, and did without.
      expect(run.loads.trim().split('\n')).toEqual([expect.stringMatching(/\/dist\/optional-import\.js$/)]);
    });
  });
});
