import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobEventBus, JobsModule, type HttpRequestResult } from '../../lib/index.js';
import { OpenGuard } from '../support/open.guard.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { adminClient, type AdminClient } from '../support/admin-client.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { queueConnection } from '../support/services.js';
import { EventLog, waitUntil } from '../support/wait.js';

let h: HttpTestApp;
let db: TestDatabase;
let events: EventLog;

let api: AdminClient;

beforeAll(async () => {
  db = await DATABASES.sqlite();
  h = await createHttpApp({
    database: db.options,
    // Built-ins are module extras, so they sit next to the async factory.
    jobsModule: (prefix) =>
      JobsModule.forRootAsync({
        useFactory: async () => ({ connection: queueConnection(prefix), prefix, defaultJobOptions: { attempts: 1 } }),
        history: { flushInterval: 50 },
        admin: { enabled: true, guards: [OpenGuard] },
        builtins: {
          http: { allowHosts: ['127.0.0.1'], queue: 'outbound', attempts: 2 },
          mail: { transport: { jsonTransport: true }, from: 'jobs@example.com' },
          ssh: { hosts: { prod: { host: '127.0.0.1', username: 'deploy', password: 'x', insecureAcceptAnyHostKey: true } } },
          log: true,
        },
      }),
  });
  api = adminClient(h);
  events = new EventLog(h.app.get(JobEventBus));
}, 30_000);

afterAll(async () => {
  events?.stop();
  await h?.close();
  await db?.drop();
});

describe('built-ins over the admin API', () => {
  it('lists every built-in in types, with its queue, defaults and payload schema', async () => {
    const { body } = await api('GET', '/types');
    const byName: Record<string, any> = Object.fromEntries((body as Array<{ name: string }>).map((type) => [type.name, type]));
    expect(byName['http.request']).toMatchObject({ queue: 'outbound', kind: 'processor', attempts: 2, schema: { required: ['url'] } });
    expect(byName['mail.send']).toMatchObject({ queue: 'builtin.mail', attempts: 1, schema: { required: ['to'] } });
    expect(byName['ssh.command']).toMatchObject({
      queue: 'builtin.ssh',
      schema: { properties: { host: { enum: ['prod'] } }, required: ['host', 'command'] },
    });
    expect(byName['log.message']).toMatchObject({
      queue: 'builtin.log',
      schema: { properties: { level: { enum: ['debug', 'info', 'warn', 'error'] } } },
    });
    expect(Object.keys(byName['mail.send'].schema.properties)).toEqual(
      expect.arrayContaining(['to', 'cc', 'bcc', 'subject', 'text', 'html', 'template', 'variables', 'attachments']),
    );
  });

  it('runs a built-in from a job definition, and history keeps its result', async () => {
    const created = await api('POST', '/definitions', {
      name: 'self check',
      handler: 'http.request',
      data: { url: `${h.url}/jobs/types/log.message` },
    });
    expect(created.status).toBe(201);
    const run = await api('POST', `/definitions/${created.body.id}/execute`);
    expect((await events.waitFor('completed', run.body.id)).result).toMatchObject({ status: 200, json: { name: 'log.message' } });
    // The attempt is recorded when it starts and again when it ends; wait for the second write.
    const execution = await waitUntil(
      async () =>
        (await api('GET', `/definitions/${created.body.id}/executions`)).body.items.find(
          (e: { status: string }) => e.status === 'completed',
        ),
      10_000,
      'the completed execution',
    );
    expect(execution).toMatchObject({ status: 'completed', result: { status: 200 } });
    expect((execution.result as HttpRequestResult).json).toMatchObject({ queue: 'builtin.log' });
  });

  it('enqueues a built-in through runs, and answers a bad payload with 400 naming the field', async () => {
    const sent = await api('POST', '/runs', { name: 'mail.send', data: { to: 'ada@example.com', subject: 'Hi', text: 'x' } });
    expect(sent.status).toBe(201);
    expect((await events.waitFor('completed', sent.body.id)).result).toMatchObject({ messageId: expect.stringContaining('@') });

    const badUrl = await api('POST', '/runs', { name: 'http.request', data: { url: 'file:///etc/passwd' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.fields).toEqual([expect.objectContaining({ field: 'data.url' })]);
    const badHost = await api('POST', '/runs', { name: 'ssh.command', data: { host: 'db.internal', command: 'ls' } });
    expect(badHost.status).toBe(400);
    expect(badHost.body.fields).toEqual([
      { field: 'data.host', messages: ['host must be one of the aliases in builtins.ssh.hosts: prod'] },
    ]);
  });
});
