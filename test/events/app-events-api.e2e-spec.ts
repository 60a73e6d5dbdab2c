import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { IsEmail } from 'class-validator';
import { JobService, OnAppEvent, type AppEventContext } from '../../lib/index.js';
import { AppEventStore } from '../../lib/history.entry.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { adminClient, type AdminAnswer, type AdminClient } from '../support/admin-client.js';
import { OpenGuard } from '../support/open.guard.js';
import { waitUntil } from '../support/wait.js';

class UserCreated {
  @IsEmail() email!: string;
}

@Injectable()
class Welcome {
  readonly seen: string[] = [];

  @OnAppEvent('user.created')
  created(_payload: UserCreated, ctx: AppEventContext) {
    this.seen.push(ctx.event.id);
  }
}

const RATE = 3;
let h: HttpTestApp;
let db: TestDatabase;
let api: AdminClient;

/** The fields a 400 names. */
const fieldsOf = (answer: AdminAnswer): string[] => (answer.body.fields ?? []).map((f: { field: string }) => f.field);

let sources = 0;

/** Emits through the API; without a source of its own, each call is a source of its own, clear of the rate limit. */
async function emit(name: string, data?: unknown, source = `source-${++sources}`): Promise<string> {
  const answer = await api('POST', '/app-events', { name, data, source });
  expect(answer.status).toBe(201);
  return answer.body.id;
}

beforeAll(async () => {
  db = await DATABASES.sqlite();
  h = await createHttpApp({
    extras: {
      history: { flushInterval: 50, redact: ['password'] },
      events: {
        schemas: { 'user.created': UserCreated },
        restEmit: { names: ['user.created', 'user.deleted', 'order.placed', 'order.paid', 'burst.tick'], ratePerMinute: RATE },
      },
      admin: { guards: [OpenGuard] },
    },
    database: db.options,
    providers: [Welcome],
  });
  api = adminClient(h);
});

afterAll(async () => {
  await h?.close();
  await db?.drop();
});

describe('POST /app-events', () => {
  it('emits an event to its subscribers and answers its id', async () => {
    const id = await emit('user.created', { email: 'ada@example.com' }, 'signup-form');
    await waitUntil(() => h.app.get(Welcome).seen.includes(id), 10_000, 'the delivery');
    expect((await api('GET', `/app-events/${id}`)).body).toMatchObject({ id, name: 'user.created', source: 'signup-form' });
  });

  it.each([
    ['no name', { data: {} }, 'name'],
    ['a name that is not a string', { name: 7 }, 'name'],
    ['an unknown field', { name: 'user.created', data: { email: 'a@b.co' }, extra: 1 }, 'extra'],
    ['an empty source', { name: 'order.placed', source: '' }, 'source'],
    ['a payload its schema refuses', { name: 'user.created', data: { email: 'nope' } }, 'data.email'],
  ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
    const answer = await api('POST', '/app-events', body);
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer)).toContain(field);
  });

  it('refuses a malformed name, which no allow-list holds, with 403 naming it', async () => {
    const answer = await api('POST', '/app-events', { name: 'user..created' });
    expect([answer.status, fieldsOf(answer)]).toEqual([403, ['name']]);
    expect(answer.body.code).toBe('APP_EVENT_NOT_ALLOWED');
  });

  it('refuses a name restEmit.names does not list with 403', async () => {
    const answer = await api('POST', '/app-events', { name: 'billing.refund', data: {} });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'APP_EVENT_NOT_ALLOWED', fields: [{ field: 'name' }] });
    expect(answer.body.message).toContain('events.restEmit.names');
  });

  it('answers 429 naming the limit once a source has used its events of the last minute, and counts each source apart', async () => {
    for (let i = 0; i < RATE; i++) await emit('burst.tick', { i }, 'burst');
    const refused = await api('POST', '/app-events', { name: 'burst.tick', data: {}, source: 'burst' });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('APP_EVENT_RATE_LIMITED');
    expect(refused.body.message).toContain(`${RATE} events in the last minute`);
    expect(refused.body.message).toContain('events.restEmit.ratePerMinute');
    // Free again once the oldest of the three leaves the 60 s window: within a minute, at least 1 s.
    const retryAfter = Number(refused.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await emit('burst.tick', {}, 'other-burst');
  });

  it('counts a source across instances, in the database they share', async () => {
    const other = await createHttpApp({
      extras: {
        history: { flushInterval: 50 },
        events: { restEmit: { ratePerMinute: RATE } },
        admin: { guards: [OpenGuard] },
      },
      options: { prefix: h.prefix },
      database: db.options,
      providers: [Welcome],
      cleanup: false,
    });
    try {
      const otherApi = adminClient(other);
      await emit('burst.tick', {}, 'shared-burst');
      for (let i = 1; i < RATE; i++)
        expect((await otherApi('POST', '/app-events', { name: 'burst.tick', source: 'shared-burst' })).status).toBe(201);
      expect((await api('POST', '/app-events', { name: 'burst.tick', source: 'shared-burst' })).status).toBe(429);
      expect((await otherApi('POST', '/app-events', { name: 'burst.tick', source: 'shared-burst' })).status).toBe(429);
    } finally {
      await other.close();
    }
  });
});

describe('reading events', () => {
  const ids: Record<string, string> = {};
  let before: string;
  let between: string;

  beforeAll(async () => {
    before = new Date().toISOString();
    ids.created = await emit('user.created', { email: 'alan@example.com', password: 'x' }, 'reader-test');
    ids.deleted = await emit('user.deleted', { id: 1 }, 'reader-test');
    between = new Date(Date.now() + 1).toISOString();
    await waitUntil(() => Date.now() > Date.parse(between), 1_000, 'a later millisecond');
    ids.placed = await emit('order.placed', { total: 3 }, 'shop');
  });

  const names = (answer: AdminAnswer) => answer.body.items.map((e: { id: string }) => e.id);

  it('lists by exact name, by pattern and by source, newest first', async () => {
    expect(names(await api('GET', `/app-events?name=user.deleted&from=${encodeURIComponent(before)}`))).toEqual([ids.deleted]);
    expect(names(await api('GET', `/app-events?name=user.*&from=${encodeURIComponent(before)}`))).toEqual([ids.deleted, ids.created]);
    expect(names(await api('GET', `/app-events?name=**&source=shop&from=${encodeURIComponent(before)}`))).toEqual([ids.placed]);
    expect(names(await api('GET', `/app-events?source=reader-test`))).toEqual([ids.deleted, ids.created]);
    expect((await api('GET', '/app-events?name=nothing.*')).body).toEqual({ items: [] });
  });

  it('lists by time range, in cursor pages', async () => {
    const range = `from=${encodeURIComponent(before)}&to=${encodeURIComponent(between)}`;
    const first = await api('GET', `/app-events?${range}&limit=1`);
    expect(names(first)).toEqual([ids.deleted]);
    expect(first.body.nextCursor).toMatch(/^\d+$/);
    const second = await api('GET', `/app-events?${range}&limit=1&cursor=${first.body.nextCursor}`);
    expect(names(second)).toEqual([ids.created]);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('shows one event with its payload redacted and its deliveries, and 404 for an unknown id', async () => {
    const answer = await waitUntil(
      async () => {
        const a = await api('GET', `/app-events/${ids.created}`);
        return a.body.deliveries[0]?.status === 'completed' ? a : undefined;
      },
      10_000,
      'the delivery recorded',
    );
    expect(answer.body).toMatchObject({
      payload: { email: 'alan@example.com', password: '[redacted]' },
      subscribers: ['event:Welcome.created'],
      deliveries: [
        { jobId: `${ids.created}:event:Welcome.created`, subscriber: 'event:Welcome.created', status: 'completed', attempts: 1 },
      ],
    });
    expect((await api('GET', `/app-events/${ids.deleted}`)).body).toMatchObject({ subscribers: [], deliveries: [] });
    for (const id of ['00000000-0000-4000-8000-000000000000', '%25', '%00', 'x'.repeat(300)]) {
      const missing = await api('GET', `/app-events/${id}`);
      expect([id, missing.status, missing.body.code]).toEqual([id, 404, 'APP_EVENT_NOT_FOUND']);
    }
  });

  it('gives the recent events', async () => {
    const answer = await api('GET', '/app-events/recent?limit=2');
    expect(names(answer)).toEqual([ids.placed, ids.deleted]);
  });

  it('counts by name and by source, and per minute', async () => {
    const answer = await api('GET', '/app-events/stats?window=60&top=2');
    expect(answer.status).toBe(200);
    const { total, perMinute, byName, bySource } = answer.body;
    const all = (await api('GET', '/app-events?limit=500')).body.items as Array<{ name: string; source: string | null }>;
    expect(total).toBe(all.length);
    expect(perMinute).toBe(Math.round((all.length / 60) * 100) / 100);
    const top = (key: 'name' | 'source') => {
      const counts = new Map<string | null, number>();
      for (const e of all) counts.set(e[key], (counts.get(e[key]) ?? 0) + 1);
      return [...counts]
        .map(([k, count]) => ({ key: k, count }))
        .sort((x, y) => y.count - x.count || String(x.key).localeCompare(String(y.key)))
        .slice(0, 2);
    };
    expect(byName).toEqual(top('name'));
    expect(bySource.map((c: { count: number }) => c.count)).toEqual(top('source').map((c) => c.count));
  });

  it.each([
    ['/app-events?limit=0', 'limit'],
    ['/app-events?limit=501', 'limit'],
    ['/app-events?cursor=abc', 'cursor'],
    ['/app-events?from=2026-02-30T00:00:00Z', 'from'],
    ['/app-events?to=2026-01-01', 'to'],
    ['/app-events?name=user..*', 'name'],
    ['/app-events?name=user.%2A%2Ax', 'name'],
    ['/app-events?colour=red', 'colour'],
    ['/app-events/recent?limit=101', 'limit'],
    ['/app-events/recent?since=1', 'since'],
    ['/app-events/stats?window=0', 'window'],
    ['/app-events/stats?top=many', 'top'],
  ])('GET %s answers 400 naming %s', async (path, field) => {
    const answer = await api('GET', path);
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer)).toContain(field);
  });
});

describe('removing events', () => {
  it('cleans the events emitted before a moment, and refuses a malformed one naming the field', async () => {
    const old = await emit('order.paid', { total: 1 });
    const cut = new Date(Date.now() + 1).toISOString();
    await waitUntil(() => Date.now() > Date.parse(cut), 1_000, 'a later millisecond');
    const kept = await emit('order.paid', { total: 2 });
    const answer = await api('POST', '/app-events/clean', { before: cut });
    expect(answer.status).toBe(200);
    expect(answer.body.deleted).toBeGreaterThanOrEqual(1);
    expect((await api('GET', `/app-events/${old}`)).status).toBe(404);
    expect((await api('GET', `/app-events/${kept}`)).status).toBe(200);
    for (const body of [{}, { before: '2026-01-01' }, { before: 0 }, { before: cut, extra: true }]) {
      const refused = await api('POST', '/app-events/clean', body);
      expect(refused.status).toBe(400);
      expect(fieldsOf(refused)).toEqual([Object.keys(body).find((k) => k !== 'before') ?? 'before']);
    }
  });

  it('prunes events past retentionDays, and keeps them all with 0', async () => {
    const id = await emit('order.paid', { total: 3 });
    const store = h.app.get(AppEventStore);
    expect(await store.prune(0, new Date(Date.now() + 400 * 86_400_000))).toBe(0);
    expect((await api('GET', `/app-events/${id}`)).status).toBe(200);
    expect(await store.prune(30, new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect((await api('GET', `/app-events/${id}`)).status).toBe(200);
    expect(await store.prune(30, new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect((await api('GET', `/app-events/${id}`)).status).toBe(404);
  });

  it('runs the retention as a cron of its own, which deletes the events past events.retentionDays (30 by default)', async () => {
    const schedules = (await api('GET', '/schedules')).body as Array<{ name: string }>;
    expect(schedules.map((s) => s.name)).toContain('jobs.events.retention');
    const store = h.app.get(AppEventStore);
    const old = randomUUID();
    await store.record({
      id: old,
      name: 'order.paid',
      source: null,
      payload: {},
      subscribers: [],
      emittedAt: new Date(Date.now() - 31 * 86_400_000),
    });
    const recent = await emit('order.paid', { total: 4 });
    const jobs = h.app.get(JobService);
    const run = await jobs.add('jobs.events.retention', {});
    expect(await jobs.waitUntilFinished(run.id)).toEqual({ deleted: 1 });
    expect((await api('GET', `/app-events/${old}`)).status).toBe(404);
    expect((await api('GET', `/app-events/${recent}`)).status).toBe(200);
  });
});
