import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { IsEmail, IsString } from 'class-validator';
import { JobProcessor, type JobHandler } from '../../lib/index.js';
import { MAX_INT32 } from '../../lib/jobs.constants.js';
import { adminClient, AdminContract, type AdminClient } from '../support/admin-client.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { OpenGuard } from '../support/open.guard.js';

class MailDto {
  @IsEmail() to!: string;
  @IsString() subject!: string;
}

@JobProcessor('mail.send', { schema: MailDto })
class MailJob implements JobHandler<MailDto, string> {
  handle(data: MailDto) {
    return data.to;
  }
}

let h: HttpTestApp;
let db: TestDatabase;
let api: AdminClient;
let document: OpenAPIObject;

const mail = { name: 'mail.send', data: { to: 'ada@example.com', subject: 'hello' } };
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** Each admin operation of the document, as `METHOD /path` with its operation object. */
const operations = () =>
  Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/jobs/'))
    .flatMap(([path, item]) => Object.entries<any>(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })));

/** A concrete path of a templated one; the 415 is decided before any id is looked up. */
const concrete = (path: string) =>
  path
    .slice('/jobs'.length)
    .replace('{name}', 'default')
    .replace(/\{\w+\}/g, 'some-id');

beforeAll(async () => {
  db = await DATABASES.sqlite();
  h = await createHttpApp({
    database: db.options,
    providers: [MailJob],
    extras: { history: { flushInterval: 50 }, events: true, admin: { enabled: true, guards: [OpenGuard] } },
  });
  api = adminClient(h);
  // As README shows it: security and servers are the host's part of the document.
  const config = new DocumentBuilder().setTitle('host').setVersion('1').addServer('/').addBearerAuth().addSecurityRequirements('bearer');
  document = SwaggerModule.createDocument(h.app, config.build());
}, 30_000);

afterAll(async () => {
  await h?.close();
  await db?.drop();
});

describe('the Swagger document of the admin API', () => {
  it("passes Redocly's recommended rules with no error", async () => {
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: 'openapi.json',
      config: await createConfig({ extends: ['recommended'] }),
    });
    const show = (severity: string) =>
      problems.filter((p) => p.severity === severity).map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    console.log(`Redocly recommended: ${show('error').length} errors, ${show('warn').length} warnings\n${show('warn').join('\n')}`);
    expect(show('error')).toEqual([]);
  });

  it('documents on every operation the statuses its input can cause', () => {
    const missing = operations().flatMap(({ method, path, operation }) => {
      const takesId = operation.parameters.some((p: { in: string }) => p.in === 'path');
      const takesInput = takesId || operation.parameters.length > 0 || !!operation.requestBody;
      const expected = [
        '401',
        '403',
        ...(takesInput ? ['400'] : []),
        ...(takesId ? ['404'] : []),
        ...(operation.requestBody ? ['413', '415'] : []),
      ];
      return expected.filter((status) => !operation.responses[status]).map((status) => `${method} ${path}: ${status}`);
    });
    expect(missing).toEqual([]);
    expect(operations().filter((o) => o.operation.requestBody)).toHaveLength(9);
  });

  it('says what the API enforces: no unknown fields, a cursor pattern, cron or every, durations within a timer', () => {
    const schemas = document.components!.schemas as Record<string, any>;
    const bodies = operations()
      .filter((o) => o.operation.requestBody)
      .map((o) => o.operation.requestBody.content['application/json'].schema.$ref.split('/').pop());
    for (const name of [...bodies, 'RunOptionsDto', 'BackoffDto'])
      expect([name, schemas[name].additionalProperties]).toEqual([name, false]);
    expect(schemas.CreateScheduleDto.oneOf).toEqual([{ required: ['cron'] }, { required: ['every'] }]);
    const cursor = document.paths['/jobs/executions'].get!.parameters!.find((p: any) => p.name === 'cursor') as any;
    expect(new RegExp(cursor.schema.pattern).test('123')).toBe(true);
    expect(new RegExp(cursor.schema.pattern).test('12a')).toBe(false);
    const durations = [
      schemas.RunOptionsDto.properties.delay,
      schemas.RunOptionsDto.properties.timeout,
      schemas.BackoffDto.properties.delay,
      schemas.CreateScheduleDto.properties.every,
      schemas.CreateScheduleDto.properties.timeout,
      schemas.CleanQueueDto.properties.grace,
      schemas.CreateDefinitionDto.properties.timeout,
    ];
    expect(durations.map((d) => d.maximum)).toEqual(durations.map(() => MAX_INT32));
  });

  it('lets any JSON value, null included, be a payload or a result', () => {
    const contract = new AdminContract(document);
    const answer = (data: unknown) => ({
      status: 200,
      contentType: 'application/json',
      body: {
        id: '1',
        name: 'n',
        queue: 'q',
        state: 'completed',
        data,
        progress: 0,
        attemptsMade: 1,
        maxAttempts: 1,
        priority: 1,
        createdAt: new Date().toISOString(),
      },
    });
    for (const data of [null, 1, 'text', true, [1, 'a'], { a: { b: null } }]) {
      expect([data, contract.problem('GET', '/jobs/runs/1', answer(data))]).toEqual([data, undefined]);
    }
  });

  it('is held against what the API answers: an undocumented status or a body off its schema fails the call', () => {
    const contract = new AdminContract(document);
    const queue = {
      name: 'default',
      waiting: 0,
      prioritized: 0,
      delayed: 0,
      active: 0,
      completed: 0,
      failed: 0,
      'waiting-children': 0,
      paused: false,
    };
    expect(contract.problem('GET', '/jobs/queues/default', { status: 200, contentType: 'application/json', body: queue })).toBeUndefined();
    expect(contract.problem('GET', '/jobs/queues/default', { status: 409, contentType: 'application/json', body: {} })).toContain(
      'status 409 is not documented',
    );
    expect(
      contract.problem('GET', '/jobs/queues/default', { status: 200, contentType: 'application/json', body: { ...queue, paused: 'no' } }),
    ).toContain('paused');
    expect(contract.problem('POST', '/jobs/runs', { status: 201, contentType: 'text/html', body: 'ok' })).toContain(
      'content type text/html',
    );
  });
});

describe('a body that is not JSON', () => {
  const bodies: Array<[type: string, body: string]> = [
    ['text/plain', '{"grace": 5, "limit": 2}'],
    ['application/x-www-form-urlencoded', 'grace=5&limit=2'],
  ];

  it('is refused with 415 naming its content type, on every route that reads a body', async () => {
    const routes = operations().filter((o) => o.operation.requestBody);
    for (const { method, path } of routes) {
      for (const [type, body] of bodies) {
        const answer = await api(method, concrete(path), body, { 'content-type': `${type}; charset=utf-8` });
        expect([method, path, type, answer.status]).toEqual([method, path, type, 415]);
        expect(answer.body).toMatchObject({
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: expect.stringContaining(`"${type}"`),
        });
      }
    }
  });

  it('is refused when the host does not parse its JSON type, rather than read as no body', async () => {
    const answer = await api('POST', '/queues/default/clean', '{"grace": 5}', { 'content-type': 'application/merge-patch+json' });
    expect(answer.status).toBe(415);
    expect(answer.body.message).toContain('"application/merge-patch+json" was not read as JSON');
  });

  it('leaves a request without a body, or with JSON, as it was', async () => {
    expect((await api('POST', '/queues/default/drain')).status).toBe(204);
    expect((await api('POST', '/queues/default/clean', { grace: 5, limit: 2 })).body).toEqual({ removed: [] });
    expect((await api('POST', '/queues/default/clean', { grace: 5 }, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(
      200,
    );
    // A route that reads no body ignores one, as before.
    expect((await api('POST', '/queues/default/pause', 'ignored', { 'content-type': 'text/plain' })).status).toBe(204);
    expect((await api('POST', '/queues/default/resume')).status).toBe(204);
  });

  it('is refused on Fastify too', async () => {
    const fastify = await createHttpApp({ platform: 'fastify', extras: { admin: { enabled: true, guards: [OpenGuard] } } });
    try {
      const call = adminClient(fastify);
      for (const [type, body] of bodies) {
        const answer = await call('POST', '/queues/default/clean', body, { 'content-type': type });
        expect([type, answer.status]).toEqual([type, 415]);
        expect(answer.body.message).toContain(type);
      }
    } finally {
      await fastify.close();
    }
  });
});

describe('bulk enqueue', () => {
  it("takes 1,000 jobs within the host's body limit, and answers a body over it with 413", async () => {
    const small = Array.from({ length: 1000 }, () => mail);
    expect(JSON.stringify({ jobs: small }).length).toBeLessThan(100_000);
    const added = await api('POST', '/runs/bulk', { jobs: small });
    expect(added.status).toBe(201);
    expect(added.body).toHaveLength(1000);

    const large = Array.from({ length: 1000 }, () => ({ ...mail, data: { ...mail.data, subject: 'x'.repeat(100) } }));
    const refused = await api('POST', '/runs/bulk', { jobs: large });
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ statusCode: 413, message: expect.any(String) });
  });
});

describe('unknown queues', () => {
  it('answer 404 on the runs list', async () => {
    const answer = await api('GET', '/runs?queue=nope');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'QUEUE_UNKNOWN' });
  });
});

describe('dates', () => {
  const schedule = (fields: object) => ({ name: 'mail.send', every: 60_000, data: mail.data, ...fields });
  const runAt = (value: unknown) => ({ ...mail, options: { runAt: value } });
  const query = (field: string, value: string) => `/executions?${field}=${encodeURIComponent(value)}`;
  const ISO = 'an ISO 8601 date-time';
  const RANGE = 'from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';
  const cases: Array<[what: string, method: string, path: string, body: unknown, field: string, rule: string]> = [
    ['a number as runAt', 'POST', '/runs', runAt(Date.now() + 3_600_000), 'options.runAt', ISO],
    ['a number as startDate', 'POST', '/schedules', schedule({ startDate: Date.now() + 3_600_000 }), 'startDate', ISO],
    ['a number as endDate', 'POST', '/schedules', schedule({ endDate: 4_102_444_800_000 }), 'endDate', ISO],
    ['digits as from', 'GET', query('from', '1767225600000'), undefined, 'from', ISO],
    ['30 February as runAt', 'POST', '/runs', runAt('2099-02-30T00:00:00Z'), 'options.runAt', ISO],
    ['29 February of a common year as endDate', 'POST', '/schedules', schedule({ endDate: '2099-02-29T00:00:00Z' }), 'endDate', ISO],
    ['31 April as to', 'GET', query('to', '2026-04-31T00:00:00Z'), undefined, 'to', ISO],
    ['hour 24 as from', 'GET', query('from', '2026-01-01T24:00:00Z'), undefined, 'from', ISO],
    ['a date without time as from', 'GET', query('from', '2026-01-01'), undefined, 'from', ISO],
    ['a time without offset as from', 'GET', query('from', '2026-01-01T00:00:00'), undefined, 'from', ISO],
    ['before 1970 as from', 'GET', query('from', '1969-12-31T23:59:59Z'), undefined, 'from', RANGE],
    ['after 9999 by its offset as to', 'GET', query('to', '9999-12-31T23:30:00-01:00'), undefined, 'to', RANGE],
    ['after 9999 as runAt', 'POST', '/runs', runAt('9999-12-31T23:30:00-01:00'), 'options.runAt', RANGE],
    ['year 10000 as to', 'GET', query('to', '10000-01-01T00:00:00Z'), undefined, 'to', ISO],
  ];

  it.each(cases)('refuses %s with 400 naming the field', async (_what, method, path, body, field, rule) => {
    const answer = await api(method, path, body);
    expect(answer.status).toBe(400);
    const fieldError = answer.body.fields.find((f: { field: string }) => f.field === field);
    expect(fieldError.messages).toContainEqual(expect.stringContaining(rule));
  });

  it('takes ISO 8601 date-times with an offset', async () => {
    expect((await api('GET', query('from', '2026-01-01T00:00:00.123+01:00'))).status).toBe(200);
    expect((await api('GET', `${query('from', '1970-01-01T00:00:00Z')}&to=${encodeURIComponent('9999-12-31T23:59:59.999Z')}`)).status).toBe(
      200,
    );
    const created = await api('POST', '/runs', runAt(inAnHour()));
    expect(created.status).toBe(201);
    expect((await api('GET', `/runs/${created.body.id}`)).body.state).toBe('delayed');
    const leapDay = await api('POST', '/schedules', schedule({ id: 'leap', endDate: '2096-02-29T12:00:00Z' }));
    expect(leapDay.status).toBe(201);
    expect(leapDay.body.endDate).toBe('2096-02-29T12:00:00.000Z');
  });
});

describe('durations', () => {
  const over = MAX_INT32 + 1;
  const cases: Array<[what: string, method: string, path: string, body: unknown, field: string]> = [
    ['delay', 'POST', '/runs', { ...mail, options: { delay: over } }, 'options.delay'],
    ['timeout', 'POST', '/runs', { ...mail, options: { timeout: over } }, 'options.timeout'],
    ['backoff delay', 'POST', '/runs', { ...mail, options: { backoff: { type: 'fixed', delay: over } } }, 'options.backoff.delay'],
    ['schedule interval', 'POST', '/schedules', { name: 'mail.send', every: over }, 'every'],
    ['schedule timeout', 'POST', '/schedules', { name: 'mail.send', every: 1000, timeout: over }, 'timeout'],
    ['clean grace', 'POST', '/queues/default/clean', { grace: over }, 'grace'],
    ['definition timeout', 'POST', '/definitions', { name: 'over', handler: 'mail.send', data: mail.data, timeout: over }, 'timeout'],
  ];

  it.each(cases)('refuses a %s over 2^31-1 ms with 400 naming the field', async (_what, method, path, body, field) => {
    const answer = await api(method, path, body);
    expect(answer.status).toBe(400);
    expect(answer.body.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('takes 2^31-1 ms itself', async () => {
    expect((await api('POST', '/runs', { ...mail, options: { delay: MAX_INT32, timeout: MAX_INT32 } })).status).toBe(201);
    expect((await api('POST', '/queues/default/clean', { grace: MAX_INT32 })).status).toBe(200);
  });
});
