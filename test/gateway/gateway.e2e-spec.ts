import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, UnauthorizedException, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { WebSocketServer } from 'ws';
import { JobEventBus, JobProcessor, JobService, type JobContext, type JobEvent, type JobHandler } from '../../lib/index.js';
import { OpenGuard } from '../support/open.guard.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { createJobsApp } from '../support/jobs-app.js';
import { waitUntil } from '../support/wait.js';
import { GatewayClient, wsUrl } from './gateway-client.js';

@JobProcessor('report')
class ReportJob implements JobHandler<{ n: number; secret?: string }, { doubled: number }> {
  async handle(data: { n: number }, ctx: JobContext) {
    await ctx.progress(50);
    return { doubled: data.n * 2 };
  }
}

@JobProcessor('other')
class OtherJob implements JobHandler<unknown, string> {
  handle() {
    return 'done';
  }
}

/** A provider of a module that is not global: the guard below reaches it only through `gateway.imports`. */
@Injectable()
class Tokens {
  readonly valid = new Set(['t-123']);
}

@Module({ providers: [Tokens], exports: [Tokens] })
class TokensModule {}

/** An ordinary HTTP guard: no header is 401, an unknown token 403 (it returns false). */
@Injectable()
class BearerGuard implements CanActivate {
  constructor(private readonly tokens: Tokens) {}
  canActivate(context: ExecutionContext): boolean {
    const { authorization } = context.switchToHttp().getRequest<IncomingMessage>().headers;
    if (!authorization?.startsWith('Bearer ')) throw new UnauthorizedException('A bearer token is required.');
    return this.tokens.valid.has(authorization.slice('Bearer '.length));
  }
}

const bearer = { authorization: 'Bearer t-123' };

/** A WebSocket endpoint of the host's own on the same HTTP server, which must keep working next to the gateway. */
function hostEndpoint(app: INestApplication): void {
  const own = new WebSocketServer({ noServer: true });
  app.getHttpServer().on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (request.url === '/host') own.handleUpgrade(request, socket, head, (ws) => ws.send(JSON.stringify({ hello: 'from the host' })));
  });
}

/** Completions as the bus publishes them in the gateway's scope: once seen here, the gateway has had them too. */
function completions(app: INestApplication) {
  const seen = new Set<string>();
  const stop = app.get(JobEventBus).subscribe({ event: 'completed', scope: 'cluster' }, (event) => seen.add(event.jobId));
  return { done: (jobId: string) => waitUntil(() => seen.has(jobId), 10_000, `completion of ${jobId}`), stop };
}

const jobId = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const typesOf = (events: JobEvent[], id: string) => events.filter((e) => e.jobId === id).map((e) => e.type);

describe('WebSocket gateway: access', () => {
  it('refuses every handshake with 403 when it has no guards, and says so at start-up', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, debug() {}, verbose() {}, warn: (message: unknown) => void warnings.push(String(message)) };
    const h = await createHttpApp({ extras: { gateway: {} }, logger });
    try {
      const refused = await GatewayClient.refused(wsUrl(h.url, '/jobs/ws'), bearer);
      expect(refused).toMatchObject({ status: 403, body: { statusCode: 403, message: expect.stringContaining('gateway.guards') } });
      // Upgrades nobody serves are answered, not left hanging.
      expect((await GatewayClient.refused(wsUrl(h.url, '/elsewhere'))).status).toBe(404);
    } finally {
      await h.close();
    }
    expect(warnings).toContain(
      'The WebSocket gateway at /jobs/ws has no guards, so it refuses every connection (403); set gateway.guards (or admin.guards) to open it.',
    );
  });

  it('runs HTTP guards on the upgrade request, with their dependencies from gateway.imports, and leaves other paths to the host', async () => {
    const h = await createHttpApp({
      extras: { gateway: { path: '/live/', guards: [BearerGuard], imports: [TokensModule] } },
      configure: hostEndpoint,
    });
    try {
      const url = wsUrl(h.url, '/live');
      expect(await GatewayClient.refused(url)).toMatchObject({ status: 401, body: { message: 'A bearer token is required.' } });
      expect(await GatewayClient.refused(url, { authorization: 'Bearer wrong' })).toMatchObject({
        status: 403,
        body: { message: 'Forbidden resource' },
      });
      const client = await GatewayClient.open(url, bearer);
      expect(await client.request({ op: 'subscribe' })).toEqual({ subscribed: '1' });
      client.close();

      const host = await GatewayClient.open(wsUrl(h.url, '/host'));
      await host.waitFor((m) => 'hello' in m);
      host.close();
    } finally {
      await h.close();
    }
  });

  it('takes admin.guards when it has none of its own', async () => {
    const h = await createHttpApp({ extras: { admin: { enabled: true, guards: [BearerGuard], imports: [TokensModule] }, gateway: {} } });
    try {
      expect((await GatewayClient.refused(wsUrl(h.url, '/jobs/ws'))).status).toBe(401);
      const client = await GatewayClient.open(wsUrl(h.url, '/jobs/ws'), bearer);
      expect(await client.request({ op: 'subscribe', id: 'all' })).toEqual({ subscribed: 'all' });
      client.close();
    } finally {
      await h.close();
    }
  });
});

describe('WebSocket gateway: without HTTP', () => {
  it('is not served in an application context without an HTTP server, and says so', async () => {
    const logs: string[] = [];
    const logger = { log: (message: unknown) => void logs.push(String(message)), error() {}, debug() {}, verbose() {}, warn() {} };
    const t = await createJobsApp([], { gateway: { guards: [OpenGuard] } }, { logger });
    await t.close();
    expect(logs).toContain('No HTTP server in this application: the WebSocket gateway at /jobs/ws is not served.');
  });
});

describe('WebSocket gateway: subscriptions', () => {
  let db: TestDatabase;
  let h: HttpTestApp;
  let jobs: JobService;
  let url: string;

  beforeAll(async () => {
    db = await DATABASES.sqlite();
    h = await createHttpApp({
      database: db.options,
      providers: [ReportJob, OtherJob],
      options: { defaultJobOptions: { attempts: 1 } },
      extras: { history: { flushInterval: 50, redact: ['secret'] }, gateway: { guards: [OpenGuard] } },
    });
    jobs = h.app.get(JobService);
    url = wsUrl(h.url, '/jobs/ws');
  });

  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  it('sends the lifecycle of a job subscribed to by id, in order, redacted as history is', async () => {
    const client = await GatewayClient.open(url);
    try {
      const id = jobId('report');
      expect(await client.request({ op: 'subscribe', jobIds: [id] })).toEqual({ subscribed: '1' });
      await jobs.add('report', { n: 21, secret: 'hunter2' }, { jobId: id });
      const completed = await client.event('completed', id);

      expect(typesOf(client.events(), id).filter((t) => t !== 'enqueued')).toEqual(['active', 'progress', 'completed']);
      // Events of every instance, read from the queue's event stream.
      expect(completed).toMatchObject({ name: 'report', queue: 'default', scope: 'cluster', result: { doubled: 42 } });
      expect(client.events().find((e) => e.type === 'progress')).toMatchObject({ progress: 50 });
      expect(client.events().find((e) => e.type === 'active')?.data).toEqual({ n: 21, secret: '[redacted]' });
    } finally {
      client.close();
    }
  });

  it('filters by name, and sends an event once however many subscriptions match it', async () => {
    const watch = completions(h.app);
    const client = await GatewayClient.open(url);
    try {
      const [report, other] = [jobId('report'), jobId('other')];
      await client.request({ op: 'subscribe', names: ['report'] });
      await client.request({ op: 'subscribe', jobIds: [report], types: ['completed'] });
      await jobs.add('other', {}, { jobId: other });
      await jobs.add('report', { n: 1 }, { jobId: report });
      await Promise.all([watch.done(other), watch.done(report), client.event('completed', report)]);
      // A round trip: whatever the server sent for those jobs has arrived before its answer.
      await client.request({ op: 'unsubscribe', id: 'none' });

      expect(client.events().filter((e) => e.name !== 'report')).toEqual([]);
      expect(typesOf(client.events(), report).filter((t) => t === 'completed')).toHaveLength(1);
    } finally {
      watch.stop();
      client.close();
    }
  });

  it('stops sending what was unsubscribed', async () => {
    const watch = completions(h.app);
    const client = await GatewayClient.open(url);
    try {
      const [before, after] = [jobId('report'), jobId('report')];
      expect(await client.request({ op: 'subscribe', id: 'reports', names: ['report'] })).toEqual({ subscribed: 'reports' });
      await jobs.add('report', { n: 1 }, { jobId: before });
      await client.event('completed', before);
      expect(await client.request({ op: 'unsubscribe', id: 'reports' })).toEqual({ unsubscribed: ['reports'] });
      const answered = client.messages.length;

      await jobs.add('report', { n: 2 }, { jobId: after });
      await watch.done(after);
      await client.request({ op: 'unsubscribe' });
      expect(client.messages.slice(answered)).toEqual([{ unsubscribed: [] }]);
    } finally {
      watch.stop();
      client.close();
    }
  });

  it('answers bad messages with an error naming the field, and stays open', async () => {
    const client = await GatewayClient.open(url);
    try {
      const bad: Array<[Parameters<GatewayClient['send']>[0], string | undefined]> = [
        ['not json', undefined],
        [[1, 2], undefined],
        [{ op: 'watch' }, 'op'],
        [{ jobIds: ['a'] }, 'op'],
        [{ op: 'subscribe', jobIds: 'a' }, 'jobIds'],
        [{ op: 'subscribe', names: [] }, 'names'],
        [{ op: 'subscribe', queues: ['default', ''] }, 'queues[1]'],
        [{ op: 'subscribe', types: ['active', 'finished'] }, 'types[1]'],
        [{ op: 'subscribe', jobIds: null }, 'jobIds'],
        [{ op: 'subscribe', name: 'report' }, 'name'],
        [{ op: 'subscribe', id: 7 }, 'id'],
        [{ op: 'unsubscribe', id: 'missing' }, 'id'],
        [Buffer.from('{"op":"subscribe"}'), undefined],
      ];
      for (const [message, field] of bad) {
        const answer = await client.request(message);
        expect(answer).toEqual({ error: field ? { message: expect.any(String), field } : { message: expect.any(String) } });
      }
      expect(await client.request({ op: 'subscribe', types: ['active', 'finished'] })).toEqual({
        error: {
          field: 'types[1]',
          message: expect.stringContaining('"types[1]" must be one of the event types (enqueued, deduplicated, active'),
        },
      });

      expect(await client.request({ op: 'subscribe', id: 'x' })).toEqual({ subscribed: 'x' });
      expect(await client.request({ op: 'subscribe', id: 'x' })).toMatchObject({ error: { field: 'id' } });
      for (let i = 1; i < 100; i++) await client.request({ op: 'subscribe' });
      expect(await client.request({ op: 'subscribe' })).toEqual({
        error: { message: expect.stringContaining('at most 100 subscriptions') },
      });
      expect(client.messages.filter((m) => 'subscribed' in m)).toHaveLength(100);
      expect((await client.request({ op: 'unsubscribe' })) as { unsubscribed: string[] }).toMatchObject({
        unsubscribed: expect.arrayContaining(['x', '1', '99']),
      });
      expect(client.socket.readyState).toBe(client.socket.OPEN);
    } finally {
      client.close();
    }
  });

  it('closes a socket that sends a frame over 64 KiB with 1009', async () => {
    const client = await GatewayClient.open(url);
    client.send(JSON.stringify({ op: 'subscribe', jobIds: ['x'.repeat(65 * 1024)] }));
    expect((await client.closed).code).toBe(1009);
  });
});

describe('WebSocket gateway: shutdown', () => {
  it('closes open sockets with 1001 when the app closes, so the HTTP server can', async () => {
    const h = await createHttpApp({ extras: { gateway: { guards: [OpenGuard] } } });
    const client = await GatewayClient.open(wsUrl(h.url, '/jobs/ws'));
    await client.request({ op: 'subscribe' });
    await h.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'The server is shutting down' });
  });
});
