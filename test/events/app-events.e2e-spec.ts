import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { IsInt } from 'class-validator';
import {
  AppEvents,
  InvalidAppEventNameError,
  InvalidJobOptionsError,
  JobPayloadValidationError,
  JobProcessor,
  OnAppEvent,
  UnknownAppEventError,
  type AppEventContext,
  type AppEventInfo,
  type JobContext,
  type JobHandler,
  type JobsModuleExtras,
} from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { waitUntil } from '../support/wait.js';

class OrderPaid {
  @IsInt() total!: number;
}

@Injectable()
class Ledger {
  readonly seen: Array<{ payload: unknown; event: AppEventInfo; job: string; queue: string }> = [];

  @OnAppEvent('order.*', { queue: 'ledger', attempts: 1 })
  order(payload: unknown, ctx: AppEventContext) {
    this.seen.push({ payload, event: ctx.event, job: ctx.name, queue: ctx.queue });
  }
}

@JobProcessor('checkout')
class CheckoutJob implements JobHandler<{ total: number }, string> {
  handle(data: { total: number }, ctx: JobContext) {
    return ctx.emit('order.paid', data, { source: 'checkout' });
  }
}

let h: JobsTestApp | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const start = async (events: JobsModuleExtras['events'], providers: Array<new (...args: never[]) => unknown> = [Ledger, CheckoutJob]) =>
  (h = await createJobsApp(providers, { events }));

describe('AppEvents without history', () => {
  it('delivers to a pattern subscriber with the event on its context, and emits from a job', async () => {
    const app = await start({ schemas: { 'order.paid': OrderPaid } });
    const ledger = app.app.get(Ledger);
    const id = await app.app.get(AppEvents).emit('order.placed', { total: 5 }, { source: 'shop' });
    await waitUntil(() => ledger.seen.length === 1, 10_000, 'the delivery');
    expect(ledger.seen[0]).toMatchObject({ payload: { total: 5 }, event: { id, name: 'order.placed', source: 'shop' } });
    expect(ledger.seen[0].event.emittedAt).toBeInstanceOf(Date);
    expect([ledger.seen[0].job, ledger.seen[0].queue]).toEqual(['event:Ledger.order', 'ledger']);

    const run = await app.jobs.add('checkout', { total: 9 });
    const emitted = await app.jobs.waitUntilFinished<string>(run.id);
    await waitUntil(() => ledger.seen.length === 2, 10_000, 'the delivery of the job’s event');
    expect(ledger.seen[1]).toMatchObject({ event: { id: emitted, name: 'order.paid', source: 'checkout' } });
    // The name has a schema: the subscriber receives an instance of it.
    expect(ledger.seen[1].payload).toBeInstanceOf(OrderPaid);
  });

  it('adds a delivery once: adding it again under its job id runs nothing more', async () => {
    const app = await start({});
    const ledger = app.app.get(Ledger);
    const id = await app.app.get(AppEvents).emit('order.placed', { total: 1 });
    const jobId = `${id}:event:Ledger.order`;
    await app.jobs.waitUntilFinished(jobId, { queue: 'ledger' });
    const again = await app.jobs.add(
      'event:Ledger.order',
      { event: { id, name: 'order.placed', source: null, emittedAt: new Date().toISOString() }, payload: { total: 1 } },
      { jobId },
    );
    expect(again.id).toBe(jobId);
    await app.events.waitFor('deduplicated', jobId);
    expect(ledger.seen.map((s) => s.event.id)).toEqual([id]);
  });

  it('refuses a malformed name or source, and a payload its schema rejects, before anything is queued', async () => {
    const app = await start({ schemas: { 'order.paid': OrderPaid } });
    const events = app.app.get(AppEvents);
    await expect(events.emit('order..paid', {})).rejects.toMatchObject({ constructor: InvalidAppEventNameError, field: 'name' });
    await expect(events.emit('order.*', {})).rejects.toThrow('Event name must be dot-separated segments');
    await expect(events.emit('order.paid', { total: 1 }, { source: '' })).rejects.toMatchObject({
      constructor: InvalidJobOptionsError,
      option: 'source',
    });
    const refused = events.emit('order.paid', { total: 'ten' });
    await expect(refused).rejects.toBeInstanceOf(JobPayloadValidationError);
    await expect(refused).rejects.toMatchObject({ errors: [{ field: 'total' }] });
    expect(await app.jobs.counts('ledger')).toMatchObject({ waiting: 0, active: 0, completed: 0 });
  });

  it("refuses a name no schema or subscriber knows with unknownNames: 'refuse', and takes known ones", async () => {
    const app = await start({ unknownNames: 'refuse', schemas: { 'audit.note': OrderPaid } });
    const events = app.app.get(AppEvents);
    await expect(events.emit('user.created', {})).rejects.toBeInstanceOf(UnknownAppEventError);
    await expect(events.emit('order.refunded', {})).resolves.toMatch(/^[0-9a-f-]{36}$/);
    await expect(events.emit('audit.note', { total: 1 })).resolves.toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows a name no one knows by default, and delivers it to no one', async () => {
    const app = await start(true);
    await expect(app.app.get(AppEvents).emit('user.created', { id: 1 })).resolves.toMatch(/^[0-9a-f-]{36}$/);
    expect(await app.jobs.counts('ledger')).toMatchObject({ waiting: 0, completed: 0 });
  });
});

describe('start-up', () => {
  @Injectable()
  class BadPattern {
    @OnAppEvent('user.*x')
    on() {}
  }

  @Injectable()
  class BadQueue {
    @OnAppEvent('user.created', { queue: 'a:b' })
    on() {}
  }

  @Injectable()
  class Clash {
    @OnAppEvent('user.created', { name: 'checkout' })
    on() {}
  }

  it.each<[string, new () => unknown, RegExp]>([
    ['a malformed pattern', BadPattern, /@OnAppEvent on BadPattern\.on: the pattern must be an event name whose segments/],
    ['a malformed queue', BadQueue, /@OnAppEvent on BadQueue\.on: option "queue" must be a non-empty name without ":"/],
    ['a name another job has', Clash, /Job "checkout" has two handlers/],
  ])('stops on %s, naming the method', async (_case, provider, message) => {
    await expect(createJobsApp([provider, CheckoutJob], { events: true })).rejects.toThrow(message);
  });

  it('tells a job that emits without the events option how to turn it on', async () => {
    const app = (h = await createJobsApp([CheckoutJob]));
    const run = await app.jobs.add('checkout', { total: 1 }, { attempts: 1 });
    await expect(app.jobs.waitUntilFinished(run.id)).rejects.toThrow('needs the "events" option of JobsModule.forRoot');
  });
});

describe('@OnAppEvent with events off', () => {
  it('warns at start-up naming each subscriber that would never run', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, debug() {}, verbose() {}, warn: (message: unknown) => void warnings.push(String(message)) };
    h = await createJobsApp([Ledger, CheckoutJob], {}, { logger });
    expect(warnings.filter((w) => w.includes('@OnAppEvent'))).toEqual([
      '@OnAppEvent on Ledger.order will never run: application events are off. Add `events: true` (or its options) to JobsModule.forRoot.',
    ]);
  });

  it('says nothing once events are on', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, debug() {}, verbose() {}, warn: (message: unknown) => void warnings.push(String(message)) };
    h = await createJobsApp([Ledger, CheckoutJob], { events: true }, { logger });
    expect(warnings.filter((w) => w.includes('@OnAppEvent'))).toEqual([]);
  });
});
