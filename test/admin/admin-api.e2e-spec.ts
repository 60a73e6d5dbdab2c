import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { JobEventBus, JobProcessor, UnrecoverableJobError, type JobContext, type JobHandler } from '../../lib/index.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { adminClient, type AdminAnswer, type AdminClient } from '../support/admin-client.js';
import { work } from '../support/sleep.js';
import { EventLog, waitUntil } from '../support/wait.js';

class MailDto {
  @IsEmail() to!: string;
  @IsString() @MaxLength(200) subject!: string;
}

@JobProcessor('mail.send', { schema: MailDto })
class MailJob implements JobHandler<MailDto, { sent: string }> {
  handle(data: MailDto) {
    return { sent: data.to };
  }
}

@JobProcessor('report.build', { queue: 'reports', attempts: 1 })
class ReportJob implements JobHandler<{ ms?: number; fail?: boolean }, string> {
  async handle(data: { ms?: number; fail?: boolean }, ctx: JobContext) {
    if (data.fail) throw new UnrecoverableJobError('report source missing');
    await work(data.ms ?? 0, ctx.signal);
    return 'built';
  }
}

/** Bearer tokens: `admin` may do anything, `reader` only read; anything else is unauthenticated. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ method: string; headers: Record<string, string | undefined> }>();
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (token === 'admin') return true;
    if (token === 'reader') {
      if (req.method === 'GET') return true;
      throw new ForbiddenException('read-only token');
    }
    throw new UnauthorizedException('bearer token required');
  }
}

let h: HttpTestApp;
let db: TestDatabase;
let events: EventLog;
let client: AdminClient;

/** Every answer is held to the app's own Swagger document. */
const api = (method: string, path: string, body?: unknown, token = 'admin'): Promise<AdminAnswer> =>
  client(method, path, body, { authorization: `Bearer ${token}` });

const mail = (to = 'ada@example.com') => ({ name: 'mail.send', data: { to, subject: 'hello' } });

beforeAll(async () => {
  db = await DATABASES.sqlite();
  h = await createHttpApp({
    database: db.options,
    providers: [MailJob, ReportJob],
    globalPrefix: 'api/v1',
    options: { maxPayloadBytes: 4096, defaultJobOptions: { attempts: 1 } },
    extras: { history: { flushInterval: 50, redact: ['subject'] }, admin: { enabled: true, guards: [BearerGuard] } },
  });
  events = new EventLog(h.app.get(JobEventBus));
  client = adminClient(h);
}, 30_000);

afterAll(async () => {
  events?.stop();
  await h?.close();
  await db?.drop();
});

/** Waits until the history holds an execution of this job in one of these statuses. */
async function execution(jobId: string, status = 'completed') {
  return waitUntil(
    async () => (await api('GET', `/executions?jobId=${jobId}&status=${status}`)).body.items[0],
    10_000,
    `execution of ${jobId}`,
  );
}

describe('types', () => {
  it('lists the registered names with queue, defaults and payload schema', async () => {
    const { status, body } = await api('GET', '/types');
    expect(status).toBe(200);
    const mailType = body.find((t: any) => t.name === 'mail.send');
    expect(mailType).toMatchObject({ queue: 'default', kind: 'processor', attempts: 1 });
    expect(mailType.schema.properties).toHaveProperty('to');
    expect(mailType.schema.required).toEqual(expect.arrayContaining(['to', 'subject']));
    expect(body.find((t: any) => t.name === 'report.build')).toMatchObject({ queue: 'reports' });
  });

  it('gets one, and answers 404 for an unknown name', async () => {
    expect((await api('GET', '/types/report.build')).body).toMatchObject({ name: 'report.build', queue: 'reports' });
    const missing = await api('GET', '/types/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('Unknown job "nope"');
  });
});

describe('runs', () => {
  it('enqueues a job that runs, and reads it back', async () => {
    const created = await api('POST', '/runs', { ...mail(), options: { priority: 'high' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'mail.send', queue: 'default' });
    await events.waitFor('completed', created.body.id);
    const got = await api('GET', `/runs/${created.body.id}`);
    expect(got.body).toMatchObject({ id: created.body.id, state: 'completed', result: { sent: 'ada@example.com' }, priority: 10 });
    const listed = await api('GET', '/runs?name=mail.send&state=completed&limit=500');
    expect(listed.body.map((j: any) => j.id)).toContain(created.body.id);
  });

  it('adds nothing under an existing jobId, and enqueues in bulk', async () => {
    const first = await api('POST', '/runs', { ...mail(), options: { jobId: 'welcome-1', delay: 60_000 } });
    const again = await api('POST', '/runs', { ...mail('other@example.com'), options: { jobId: 'welcome-1', delay: 60_000 } });
    expect(again.body.id).toBe(first.body.id);
    expect((await api('GET', '/runs/welcome-1')).body).toMatchObject({ state: 'delayed', data: { to: 'ada@example.com' } });

    const bulk = await api('POST', '/runs/bulk', { jobs: [mail('a@example.com'), { name: 'report.build', data: {} }] });
    expect(bulk.status).toBe(201);
    expect(bulk.body.map((j: any) => j.queue)).toEqual(['default', 'reports']);
    await Promise.all(bulk.body.map((j: any) => events.waitFor('completed', j.id)));
  });

  it('cancels a waiting job and a running one; a finished job cannot be cancelled', async () => {
    const delayed = await api('POST', '/runs', { ...mail(), options: { runAt: new Date(Date.now() + 3_600_000).toISOString() } });
    expect((await api('DELETE', `/runs/${delayed.body.id}`)).body).toEqual({ id: delayed.body.id, state: 'cancelled' });
    expect((await api('GET', `/runs/${delayed.body.id}`)).status).toBe(404);

    const slow = await api('POST', '/runs', { name: 'report.build', data: { ms: 30_000 } });
    await events.waitFor('active', slow.body.id);
    expect((await api('DELETE', `/runs/${slow.body.id}?queue=reports`)).body).toEqual({ id: slow.body.id, state: 'cancelling' });
    await events.waitFor('cancelled', slow.body.id);

    const done = await api('POST', '/runs', mail());
    await events.waitFor('completed', done.body.id);
    const refused = await api('DELETE', `/runs/${done.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'JOB_STATE' });
  });

  it('retries a failed job in place', async () => {
    const failed = await api('POST', '/runs', { name: 'report.build', data: { fail: true } });
    await events.waitFor('failed', failed.body.id);
    expect((await api('POST', `/runs/${failed.body.id}/retry`)).status).toBe(204);
    await waitUntil(() => events.of('failed', failed.body.id).length === 2, 10_000, 'the retried run');
    expect((await api('POST', `/runs/${(await api('POST', '/runs', mail())).body.id}/retry`)).status).toBe(409);
  });

  it('answers 404 for unknown job ids', async () => {
    for (const [method, path] of [
      ['GET', '/runs/nope'],
      ['DELETE', '/runs/nope'],
      ['POST', '/runs/nope/retry'],
    ]) {
      const answer = await api(method, path);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'JOB_NOT_FOUND', message: 'No job with id "nope".' });
    }
  });
});

describe('schedules', () => {
  it('creates, lists with next run, and deletes a schedule', async () => {
    const created = await api('POST', '/schedules', {
      name: 'mail.send',
      id: 'nightly',
      cron: '0 3 * * *',
      timeZone: 'Europe/Berlin',
      data: mail().data,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'nightly', name: 'mail.send', origin: 'runtime', cron: '0 3 * * *' });
    const listed = (await api('GET', '/schedules')).body.find((s: any) => s.id === 'nightly');
    expect(new Date(listed.next).getTime()).toBeGreaterThan(Date.now());
    expect((await api('DELETE', '/schedules/nightly')).status).toBe(204);
    const gone = await api('DELETE', '/schedules/nightly');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('SCHEDULE_NOT_FOUND');
  });

  it('previews the next runs of an expression in a time zone, and names the field of a bad one', async () => {
    const preview = await api('GET', `/schedules/preview?cron=${encodeURIComponent('30 9 * * 1-5')}&timeZone=Europe/Berlin&count=3`);
    expect(preview.status).toBe(200);
    const runs = (preview.body.runs as string[]).map((r) => new Date(r));
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      expect(run.getTime()).toBeGreaterThan(Date.now());
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(run)).toBe('09:30');
    }
    for (const [query, field] of [
      ['cron=61+*+*+*+*', 'cron'],
      ['cron=*+*+*', 'cron'],
      ['cron=*+*+*+*+*&timeZone=Mars/Olympus', 'timeZone'],
      ['cron=*+*+*+*+*&count=21', 'count'],
      ['timeZone=UTC', 'cron'],
    ]) {
      const bad = await api('GET', `/schedules/preview?${query}`);
      expect([query, bad.status]).toEqual([query, 400]);
      expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
  });
});

describe('queues', () => {
  it('lists queues with counts and controls one', async () => {
    const list = await api('GET', '/queues');
    expect(list.body.map((q: any) => q.name)).toEqual(expect.arrayContaining(['default', 'reports']));
    expect((await api('POST', '/queues/reports/pause')).status).toBe(204);
    expect((await api('GET', '/queues/reports')).body).toMatchObject({ name: 'reports', paused: true });
    await api('POST', '/runs', { name: 'report.build', data: {}, options: { jobId: 'held' } });
    await api('POST', '/runs', { name: 'report.build', data: {}, options: { delay: 600_000 } });
    // Every job of the module has a priority, so BullMQ keeps it in `prioritized` rather than `wait`.
    expect((await api('GET', '/queues/reports')).body).toMatchObject({ prioritized: 1, delayed: 1 });
    expect((await api('POST', '/queues/reports/drain', { delayed: true })).status).toBe(204);
    expect((await api('GET', '/queues/reports')).body).toMatchObject({ waiting: 0, prioritized: 0, delayed: 0 });
    expect((await api('POST', '/queues/reports/resume')).status).toBe(204);
    expect((await api('GET', '/queues/reports')).body.paused).toBe(false);

    const completed = (await api('GET', '/queues/default')).body.completed;
    expect(completed).toBeGreaterThan(0);
    const cleaned = await api('POST', '/queues/default/clean', { status: 'completed', grace: 0 });
    expect(cleaned.status).toBe(200);
    expect(cleaned.body.removed).toHaveLength(completed);
    expect((await api('GET', '/queues/default')).body.completed).toBe(0);
  });

  it('answers 404 for an unknown queue', async () => {
    const answer = await api('POST', '/queues/nope/pause');
    expect(answer.status).toBe(404);
    expect(answer.body.message).toContain('Unknown queue "nope"');
  });
});

describe('definitions', () => {
  it('creates, changes, runs and deletes a definition', async () => {
    const created = await api('POST', '/definitions', {
      name: 'weekly digest',
      handler: 'mail.send',
      data: mail().data,
      cron: '0 8 * * 1',
      tags: ['mail'],
    });
    expect(created.status).toBe(201);
    const { id } = created.body;
    expect(created.body).toMatchObject({ name: 'weekly digest', handler: 'mail.send', enabled: true, cron: '0 8 * * 1' });
    expect((await api('GET', '/schedules')).body.find((s: any) => s.id === id)).toMatchObject({ origin: 'definition' });

    expect((await api('GET', '/definitions')).body.map((d: any) => d.id)).toContain(id);
    expect((await api('PATCH', `/definitions/${id}`, { memo: 'for the team' })).body).toMatchObject({
      memo: 'for the team',
      cron: '0 8 * * 1',
    });
    expect((await api('POST', `/definitions/${id}/disable`)).body.enabled).toBe(false);
    expect((await api('GET', '/schedules')).body.find((s: any) => s.id === id)).toBeUndefined();
    expect((await api('POST', `/definitions/${id}/enable`)).body.enabled).toBe(true);

    const run = await api('POST', `/definitions/${id}/execute`);
    expect(run.status).toBe(201);
    await events.waitFor('completed', run.body.id);
    await execution(run.body.id);
    const executions = await api('GET', `/definitions/${id}/executions`);
    expect(executions.body.items).toEqual([expect.objectContaining({ jobId: run.body.id, definitionId: id, status: 'completed' })]);

    const taken = await api('POST', '/definitions', { name: 'weekly digest', handler: 'mail.send', data: mail().data });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('JOB_DEFINITION_NAME_TAKEN');

    expect((await api('DELETE', `/definitions/${id}`)).status).toBe(204);
    for (const [method, path] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/execute'],
      ['GET', '/executions'],
    ]) {
      const answer = await api(method, `/definitions/${id}${path}`, method === 'PATCH' ? { memo: 'x' } : undefined);
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('JOB_DEFINITION_NOT_FOUND');
    }
  });
});

describe('executions and stats', () => {
  it('lists with filters and cursor pages, gets one, and retries a failure', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api('POST', '/runs', mail(`p${i}@example.com`))).body.id);
    for (const id of ids) await execution(id);

    const first = await api('GET', '/executions?name=mail.send&status=completed&limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(first.body.items[1].id);
    const second = await api('GET', `/executions?name=mail.send&status=completed&limit=2&cursor=${first.body.nextCursor}`);
    expect(Number(second.body.items[0].id)).toBeLessThan(Number(first.body.items[1].id));

    const one = await api('GET', `/executions/${first.body.items[0].id}`);
    expect(one.body).toMatchObject({ id: first.body.items[0].id, name: 'mail.send', status: 'completed', attempt: 1 });
    expect((await api('GET', '/executions/999999999')).status).toBe(404);

    const failed = await api('POST', '/runs', { name: 'report.build', data: { fail: true } });
    const failure = await execution(failed.body.id, 'failed');
    // Gone from its queue, it is enqueued anew from the recorded name and data.
    expect((await api('DELETE', `/runs/${failed.body.id}`)).status).toBe(409);
    const retried = await api('POST', `/executions/${failure.id}/retry`);
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: failed.body.id, name: 'report.build', queue: 'reports' });
    const notFailed = await api('POST', `/executions/${one.body.id}/retry`);
    expect(notFailed.status).toBe(409);
  });

  it('reports counts, throughput and durations over a window', async () => {
    const { status, body } = await api('GET', '/stats?window=60&name=mail.send');
    expect(status).toBe(200);
    expect(body.byStatus.completed).toBeGreaterThanOrEqual(3);
    expect(body.total).toBeGreaterThanOrEqual(body.byStatus.completed);
    expect(body.throughputPerMinute).toBeCloseTo(body.byStatus.completed / 60, 2);
    expect(body.meanDurationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(body.until).getTime() - new Date(body.since).getTime()).toBe(3_600_000);
  });

  it('reports the same figures in equal slices of the window, oldest first, and names a bad bound', async () => {
    const { status, body } = await api('GET', '/stats/series?window=60&buckets=6&name=mail.send');
    expect(status).toBe(200);
    const points = body.points as Array<{ since: string; until: string; completed: number; failureRate: number }>;
    expect(points).toHaveLength(6);
    for (const [i, p] of points.entries()) {
      expect(new Date(p.until).getTime() - new Date(p.since).getTime()).toBe(600_000);
      if (i) expect(p.since).toBe(points[i - 1].until);
      expect(p.failureRate).toBeGreaterThanOrEqual(0);
      expect(p.failureRate).toBeLessThanOrEqual(1);
    }
    const summary = (await api('GET', '/stats?window=60&name=mail.send')).body;
    expect(points.reduce((sum, p) => sum + p.completed, 0)).toBe(summary.byStatus.completed);
    for (const [query, field] of [
      ['buckets=0', 'buckets'],
      ['buckets=61', 'buckets'],
      ['window=0', 'window'],
    ]) {
      const bad = await api('GET', `/stats/series?${query}`);
      expect([query, bad.status]).toEqual([query, 400]);
      expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
  });
});

describe('events', () => {
  it('streams active and completed of a job enqueued through the API as Server-Sent Events', async () => {
    const abort = new AbortController();
    const res = await fetch(`${h.url}/jobs/events?name=mail.send&types=active,completed`, {
      headers: { authorization: 'Bearer admin' },
      signal: abort.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const received: any[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          buffer = buffer.slice(end + 2);
          if (data) received.push(JSON.parse(data.slice(6)));
        }
      }
    })().catch(() => undefined);

    const noise = await api('POST', '/runs', { name: 'report.build', data: {} });
    const job = await api('POST', '/runs', mail());
    await waitUntil(() => received.some((e) => e.jobId === job.body.id && e.type === 'completed'), 10_000, 'the completed event');
    abort.abort();
    await reading;
    const ofJob = received.filter((e) => e.jobId === job.body.id);
    expect(ofJob.map((e) => e.type)).toEqual(['active', 'completed']);
    expect(ofJob[1]).toMatchObject({ name: 'mail.send', queue: 'default', result: { sent: 'ada@example.com' } });
    // What history.redact hides is hidden from the live stream too.
    expect(ofJob[0].data).toEqual({ to: 'ada@example.com', subject: '[redacted]' });
    expect(received.some((e) => e.jobId === noise.body.id || e.type === 'enqueued')).toBe(false);
  });
});

describe('guards', () => {
  it('runs the host guard on every route: 401 without a token, 403 for a token that may not write', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/types'],
      ['POST', '/runs'],
      ['GET', '/queues'],
      ['GET', '/definitions'],
      ['GET', '/executions'],
      ['GET', '/stats'],
      ['GET', '/schedules'],
      ['GET', '/events'],
    ];
    for (const [method, path] of routes) {
      const answer = await api(method, path, method === 'POST' ? mail() : undefined, 'wrong');
      expect([method, path, answer.status]).toEqual([method, path, 401]);
    }
    const write = await api('POST', '/runs', mail(), 'reader');
    expect(write.status).toBe(403);
    expect((await api('GET', '/queues', undefined, 'reader')).status).toBe(200);
  });

  it('is closed, answering 403 to everyone, when enabled without guards', async () => {
    const closed = await createHttpApp({ extras: { admin: { enabled: true, path: 'ops/jobs' } } });
    try {
      const res = await fetch(`${closed.url}/ops/jobs/queues`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toContain('admin.guards');
    } finally {
      await closed.close();
    }
  });
});

describe('Swagger', () => {
  it('documents every route, with request and response schemas, under one tag', () => {
    const doc = SwaggerModule.createDocument(h.app, new DocumentBuilder().build());
    const base = '/api/v1/jobs';
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(base))
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.slice(base.length)}`));
    expect(operations.sort()).toEqual(
      [
        'GET /types',
        'GET /types/{name}',
        'POST /runs',
        'GET /runs',
        'POST /runs/bulk',
        'GET /runs/{id}',
        'DELETE /runs/{id}',
        'POST /runs/{id}/retry',
        'GET /schedules',
        'GET /schedules/preview',
        'POST /schedules',
        'DELETE /schedules/{id}',
        'GET /queues',
        'GET /queues/{name}',
        'POST /queues/{name}/pause',
        'POST /queues/{name}/resume',
        'POST /queues/{name}/drain',
        'POST /queues/{name}/clean',
        'GET /events',
        'POST /definitions',
        'GET /definitions',
        'GET /definitions/{id}',
        'PATCH /definitions/{id}',
        'DELETE /definitions/{id}',
        'POST /definitions/{id}/enable',
        'POST /definitions/{id}/disable',
        'POST /definitions/{id}/execute',
        'GET /definitions/{id}/executions',
        'GET /executions',
        'GET /executions/{id}',
        'POST /executions/{id}/retry',
        'GET /stats',
        'GET /stats/series',
      ].sort(),
    );
    for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.startsWith(base))) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, operation.tags]).toEqual([where, ['jobs']]);
        const success = Object.entries(operation.responses).find(([code]) => code.startsWith('2'));
        expect([where, !!success]).toEqual([where, true]);
        if (success![0] !== '204') expect([where, !!(success![1] as any).content]).toEqual([where, true]);
        expect([where, operation.responses['400']?.content['application/json'].schema.$ref]).toEqual([
          where,
          '#/components/schemas/ErrorDto',
        ]);
        if (['post', 'patch'].includes(method) && operation.requestBody) {
          expect(operation.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
        }
      }
    }
    const runList = doc.paths[`${base}/runs`].get!.parameters as Array<{ name: string; in: string }>;
    expect(runList.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'query:limit',
      'query:name',
      'query:offset',
      'query:queue',
      'query:state',
    ]);
    expect((doc.paths[`${base}/queues/{name}/drain`].post!.requestBody as { required: boolean }).required).toBe(false);
    const schemas = doc.components!.schemas as Record<string, any>;
    expect(doc.paths[`${base}/runs`].post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/EnqueueRunDto' } } },
    });
    expect(doc.paths[`${base}/definitions`].post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateDefinitionDto' } } },
    });
    expect(Object.keys(schemas.EnqueueRunDto.properties)).toEqual(['name', 'data', 'options']);
    expect(schemas.RunOptionsDto.properties.priority.oneOf).toHaveLength(2);
    expect(schemas.JobInfoDto.required).toEqual(expect.arrayContaining(['id', 'state', 'createdAt']));
  });
});

describe('malformed requests', () => {
  const big = 'x'.repeat(5000);
  const cases: Array<[string, string, string, unknown, number, string]> = [
    ['no name', 'POST', '/runs', {}, 400, 'name'],
    ['name not a string', 'POST', '/runs', { name: 7 }, 400, 'name'],
    ['unknown job name', 'POST', '/runs', { name: 'nope', data: {} }, 400, 'name'],
    ['payload fails its schema', 'POST', '/runs', { name: 'mail.send', data: { to: 'not-an-address', subject: 'x' } }, 400, 'data.to'],
    ['payload not an object', 'POST', '/runs', { name: 'mail.send', data: 'text' }, 400, 'data'],
    ['oversized payload', 'POST', '/runs', { name: 'mail.send', data: { to: 'a@example.com', subject: 's', big } }, 400, 'data'],
    ['unknown priority', 'POST', '/runs', { ...mail(), options: { priority: 'urgent' } }, 400, 'options.priority'],
    ['negative delay', 'POST', '/runs', { ...mail(), options: { delay: -5 } }, 400, 'options.delay'],
    ['runAt not a date', 'POST', '/runs', { ...mail(), options: { runAt: 'soon' } }, 400, 'options.runAt'],
    ['runAt in the past', 'POST', '/runs', { ...mail(), options: { runAt: '2001-01-01T00:00:00Z' } }, 400, 'options.runAt'],
    ['unknown option', 'POST', '/runs', { ...mail(), options: { retries: 3 } }, 400, 'options.retries'],
    ['unknown top-level field', 'POST', '/runs', { ...mail(), queue: 'x' }, 400, 'queue'],
    ['zero attempts', 'POST', '/runs', { ...mail(), options: { attempts: 0 } }, 400, 'options.attempts'],
    [
      'unknown backoff type',
      'POST',
      '/runs',
      { ...mail(), options: { backoff: { type: 'random', delay: 1 } } },
      400,
      'options.backoff.type',
    ],
    [
      'delay and runAt together',
      'POST',
      '/runs',
      { ...mail(), options: { delay: 5, runAt: new Date(Date.now() + 60_000).toISOString() } },
      400,
      'options.runAt',
    ],
    ['empty bulk', 'POST', '/runs/bulk', { jobs: [] }, 400, 'jobs'],
    ['bad item in bulk', 'POST', '/runs/bulk', { jobs: [mail(), { name: '' }] }, 400, 'jobs.1.name'],
    ['limit of zero', 'GET', '/runs?limit=0', undefined, 400, 'limit'],
    ['limit not a number', 'GET', '/runs?limit=many', undefined, 400, 'limit'],
    ['unknown state', 'GET', '/runs?state=sleeping', undefined, 400, 'state'],
    ['schedule without cron or every', 'POST', '/schedules', { name: 'mail.send' }, 400, 'cron'],
    ['schedule with both', 'POST', '/schedules', { name: 'mail.send', cron: '* * * * *', every: 1000 }, 400, 'cron'],
    ['invalid cron', 'POST', '/schedules', { name: 'mail.send', cron: '61 * * * *' }, 400, 'cron'],
    ['unknown time zone', 'POST', '/schedules', { name: 'mail.send', cron: '0 * * * *', timeZone: 'Mars/Olympus' }, 400, 'timeZone'],
    ['negative grace', 'POST', '/queues/default/clean', { grace: -1 }, 400, 'grace'],
    ['unknown clean status', 'POST', '/queues/default/clean', { status: 'old' }, 400, 'status'],
    ['drain flag not boolean', 'POST', '/queues/default/drain', { delayed: 'yes' }, 400, 'delayed'],
    ['definition without name', 'POST', '/definitions', { handler: 'mail.send' }, 400, 'name'],
    ['definition of unknown handler', 'POST', '/definitions', { name: 'd1', handler: 'nope' }, 400, 'handler'],
    [
      'definition with invalid cron',
      'POST',
      '/definitions',
      { name: 'd2', handler: 'mail.send', data: mail().data, cron: 'every day' },
      400,
      'cron',
    ],
    ['definition data fails schema', 'POST', '/definitions', { name: 'd3', handler: 'mail.send', data: { to: 1 } }, 400, 'data.to'],
    ['definition tags not strings', 'POST', '/definitions', { name: 'd4', handler: 'mail.send', tags: [1] }, 400, 'tags'],
    ['unknown execution status', 'GET', '/executions?status=done', undefined, 400, 'status'],
    ['cursor not from a page', 'GET', '/executions?cursor=abc', undefined, 400, 'cursor'],
    ['from not a date', 'GET', '/executions?from=yesterday', undefined, 400, 'from'],
    ['window of zero', 'GET', '/stats?window=0', undefined, 400, 'window'],
    ['unknown event type', 'GET', '/events?types=active,exploded', undefined, 400, 'types'],
    ['options null', 'POST', '/runs', { ...mail(), options: null }, 400, 'options'],
    ['data null', 'POST', '/runs', { name: 'mail.send', data: null }, 400, 'data'],
    ['priority null', 'POST', '/runs', { ...mail(), options: { priority: null } }, 400, 'options.priority'],
    ['options null in a bulk item', 'POST', '/runs/bulk', { jobs: [{ ...mail(), options: null }] }, 400, 'jobs.0.options'],
    ['timeout beyond a timer', 'POST', '/runs', { ...mail(), options: { timeout: 1e300 } }, 400, 'options.timeout'],
    ['offset beyond reason', 'GET', '/runs?offset=99999999999999999999', undefined, 400, 'offset'],
    ['every beyond a timer', 'POST', '/schedules', { name: 'mail.send', every: 1e300 }, 400, 'every'],
    ['cursor beyond a bigint', 'GET', '/executions?cursor=99999999999999999999999', undefined, 400, 'cursor'],
    ['NUL in a filter', 'GET', '/executions?name=a%00b', undefined, 400, 'name'],
    [
      'definition timeout beyond an int column',
      'POST',
      '/definitions',
      { name: 'd5', handler: 'mail.send', timeout: 3_000_000_000 },
      400,
      'timeout',
    ],
    ['NUL in a definition name', 'POST', '/definitions', { name: 'd\u0000', handler: 'mail.send' }, 400, 'name'],
  ];

  it.each(cases)('%s: %s %s answers %#', async (_what, method, path, body, status, field) => {
    const answer = await api(method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.body.fields?.map((f: { field: string }) => f.field)).toContain(field);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it('answers ids that cannot exist with 404, whatever the database makes of them', async () => {
    for (const path of ['/definitions/%00', '/definitions/not-a-uuid', '/executions/99999999999999999999999', '/executions/abc']) {
      expect([path, (await api('GET', path)).status]).toEqual([path, 404]);
    }
  });

  it('answers a body that is not JSON with 400', async () => {
    expect((await api('POST', '/runs', '{"name": "mail.send",')).status).toBe(400);
  });
});
