import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import { IsEmail, IsString } from 'class-validator';
import {
  AppEvents,
  JobProcessor,
  JobService,
  OnAppEvent,
  type AppEventContext,
  type JobContext,
  type JobHandler,
  type JobsModuleExtras,
} from '../../lib/index.js';
import { DATABASES, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { adminClient, type AdminClient } from '../support/admin-client.js';
import { OpenGuard } from '../support/open.guard.js';
import { uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

class UserCreated {
  @IsEmail() email!: string;
  @IsString() password!: string;
}

/** One run of a subscriber: which instance ran it, for which event, which attempt, and whether it succeeded. */
interface Run {
  subscriber: string;
  instance: string;
  eventId: string;
  name: string;
  attempt: number;
  ok: boolean;
  typed?: boolean;
}

const RUNS = Symbol('runs');
const INSTANCE = Symbol('instance');

@Injectable()
class Audit {
  constructor(
    @Inject(RUNS) private readonly runs: Run[],
    @Inject(INSTANCE) private readonly instance: string,
  ) {}

  @OnAppEvent('user.created', { name: 'audit.user-created' })
  created(payload: UserCreated, ctx: AppEventContext<UserCreated>) {
    const { id, name } = ctx.event;
    this.runs.push({
      subscriber: 'audit',
      instance: this.instance,
      eventId: id,
      name,
      attempt: ctx.attempt,
      ok: true,
      typed: payload instanceof UserCreated,
    });
  }
}

@Injectable()
class Mailer {
  constructor(
    @Inject(RUNS) private readonly runs: Run[],
    @Inject(INSTANCE) private readonly instance: string,
  ) {}

  /** Fails the first attempt of every `user.deleted`: only this delivery is retried. */
  @OnAppEvent('user.*', { attempts: 3, backoff: 10 })
  user(_payload: unknown, ctx: AppEventContext) {
    const ok = !(ctx.event.name === 'user.deleted' && ctx.attempt === 1);
    this.runs.push({
      subscriber: 'mailer',
      instance: this.instance,
      eventId: ctx.event.id,
      name: ctx.event.name,
      attempt: ctx.attempt,
      ok,
    });
    if (!ok) throw new Error('mail server down');
  }
}

@Injectable()
class Everything {
  constructor(
    @Inject(RUNS) private readonly runs: Run[],
    @Inject(INSTANCE) private readonly instance: string,
  ) {}

  @OnAppEvent('**', { queue: 'catch-all' })
  any(_payload: unknown, ctx: AppEventContext) {
    this.runs.push({
      subscriber: 'all',
      instance: this.instance,
      eventId: ctx.event.id,
      name: ctx.event.name,
      attempt: ctx.attempt,
      ok: true,
    });
  }
}

/** A job that emits through its context. */
@JobProcessor('signup')
class SignupJob implements JobHandler<{ email: string }, string> {
  handle(data: { email: string }, ctx: JobContext) {
    return ctx.emit('user.created', { email: data.email, password: 'hunter2' }, { source: 'signup-job' });
  }
}

const extras: JobsModuleExtras = {
  history: { flushInterval: 50, redact: ['password'] },
  events: { schemas: { 'user.created': UserCreated } },
  admin: { guards: [OpenGuard] },
};

const SUBSCRIBERS = { audit: 'audit.user-created', mailer: 'event:Mailer.user', all: 'event:Everything.any' };

describe.each(Object.keys(DATABASES) as DatabaseKind[])('application events on two instances, history on %s', (kind) => {
  const runs: Run[] = [];
  let db: TestDatabase;
  let a: HttpTestApp;
  let b: HttpTestApp;
  let api: AdminClient;

  const instance = (name: string) =>
    createHttpApp({
      options: { prefix },
      extras,
      database: db.options,
      providers: [Audit, Mailer, Everything, SignupJob, { provide: RUNS, useValue: runs }, { provide: INSTANCE, useValue: name }],
    });
  const prefix = uniquePrefix('events');

  beforeAll(async () => {
    db = await DATABASES[kind]();
    // One after the other: the first runs the migrations the second finds done.
    a = await instance('a');
    b = await instance('b');
    api = adminClient(a);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  it('delivers every event once to each matching subscriber, retries a failing one alone, and shows the deliveries', async () => {
    const events = a.app.get(AppEvents);
    const created = [];
    for (const email of ['ada@example.com', 'alan@example.com'])
      created.push(await events.emit('user.created', { email, password: 's3cret' }, { source: 'test' }));
    const deleted = await b.app.get(AppEvents).emit('user.deleted', { id: 7 });
    const placed = await events.emit('order.placed', { total: 12 }, { source: 'shop' });
    const signup = await a.app.get(JobService).add('signup', { email: 'grace@example.com' });
    const fromJob = await a.app.get(JobService).waitUntilFinished<string>(signup.id);

    const expected: Array<[subscriber: string, eventId: string]> = [
      ...[...created, fromJob].flatMap(
        (id) =>
          [
            ['audit', id],
            ['mailer', id],
            ['all', id],
          ] as Array<[string, string]>,
      ),
      ['mailer', deleted],
      ['all', deleted],
      ['all', placed],
    ];
    const successes = () => runs.filter((r) => r.ok);
    await waitUntil(() => successes().length >= expected.length, 15_000, `${expected.length} deliveries`);

    // Every (event, subscriber) pair succeeded exactly once, across both instances; nothing else ran.
    const pairs = successes()
      .map((r) => `${r.subscriber}/${r.eventId}`)
      .sort();
    expect(pairs).toEqual(expected.map(([s, id]) => `${s}/${id}`).sort());
    // The failing delivery alone ran twice; every other delivery ran once.
    expect(runs.filter((r) => !r.ok).map((r) => `${r.subscriber}/${r.eventId}/${r.attempt}`)).toEqual([`mailer/${deleted}/1`]);
    expect(runs.filter((r) => r.eventId === deleted && r.subscriber === 'all').map((r) => r.attempt)).toEqual([1]);
    expect(runs.filter((r) => r.eventId === deleted && r.subscriber === 'mailer').map((r) => r.attempt)).toEqual([1, 2]);
    // The subscriber of a name with a schema receives an instance of it.
    expect(runs.filter((r) => r.subscriber === 'audit').every((r) => r.typed)).toBe(true);

    // The Events API shows each event with its deliveries, as history recorded them.
    const detail = await waitUntil(
      async () => {
        const answer = await api('GET', `/app-events/${deleted}`);
        // Both attempts of the retried delivery recorded: two instances flush their rows apart, so the first attempt's
        // row can land after the second's.
        const deliveries = answer.body.deliveries as Array<{ status: string; attempts: number }>;
        return deliveries.every((d) => d.status === 'completed') && deliveries.reduce((n, d) => n + d.attempts, 0) === 3
          ? answer
          : undefined;
      },
      10_000,
      'the deliveries of user.deleted recorded',
    );
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: deleted, name: 'user.deleted', source: null, payload: { id: 7 } });
    expect(detail.body.deliveries).toEqual([
      { jobId: `${deleted}:${SUBSCRIBERS.mailer}`, subscriber: SUBSCRIBERS.mailer, status: 'completed', attempts: 2 },
      { jobId: `${deleted}:${SUBSCRIBERS.all}`, subscriber: SUBSCRIBERS.all, status: 'completed', attempts: 1 },
    ]);
    const first = (await api('GET', `/app-events/${created[0]}`)).body;
    expect(first.payload).toEqual({ email: 'ada@example.com', password: '[redacted]' });
    expect(first.subscribers).toEqual([SUBSCRIBERS.audit, SUBSCRIBERS.mailer, SUBSCRIBERS.all]);

    // Each attempt of a delivery is in history under the delivery's job id, like any job's.
    const attempts = await waitUntil(
      async () => {
        const answer = await api('GET', `/executions?jobId=${encodeURIComponent(`${deleted}:${SUBSCRIBERS.mailer}`)}`);
        return answer.body.items.length === 2 && answer.body.items;
      },
      10_000,
      'two recorded attempts',
    );
    expect(attempts.map((e: { status: string; name: string; queue: string }) => [e.status, e.name, e.queue]).sort()).toEqual([
      ['completed', SUBSCRIBERS.mailer, 'events'],
      ['retrying', SUBSCRIBERS.mailer, 'events'],
    ]);

    // The event a job emitted through its context names its source.
    expect((await api('GET', `/app-events/${fromJob}`)).body).toMatchObject({ name: 'user.created', source: 'signup-job' });

    // Listed by pattern and counted by name and source, on this database.
    const listed = (await api('GET', '/app-events?name=user.*')).body.items.map((e: { id: string }) => e.id);
    expect(listed.sort()).toEqual([...created, fromJob, deleted].sort());
    const stats = (await api('GET', '/app-events/stats?window=10')).body;
    expect(stats.total).toBe(5);
    expect(stats.byName).toEqual([
      { key: 'user.created', count: 3 },
      { key: 'order.placed', count: 1 },
      { key: 'user.deleted', count: 1 },
    ]);
    // Databases sort null apart from text: compare the sources of equal count as a set.
    const bySource = stats.bySource as Array<{ key: string | null; count: number }>;
    expect(bySource[0]).toEqual({ key: 'test', count: 2 });
    expect(
      bySource
        .slice(1)
        .map((c) => `${c.key}:${c.count}`)
        .sort(),
    ).toEqual(['null:1', 'shop:1', 'signup-job:1']);
  });

  it('lists the subscribers as job types of kind event', async () => {
    const types = (await api('GET', '/types')).body as Array<{ name: string; kind: string; queue: string }>;
    const events = types.filter((t) => t.kind === 'event').map((t) => [t.name, t.queue]);
    expect(events.sort()).toEqual(
      [
        [SUBSCRIBERS.audit, 'events'],
        [SUBSCRIBERS.mailer, 'events'],
        [SUBSCRIBERS.all, 'catch-all'],
      ].sort(),
    );
  });
});
