import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IsString } from 'class-validator';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  AppEvents,
  OnAppEvent,
  type AppEventContext,
  InvalidJobOptionsError,
  JobPayloadValidationError,
  JobProcessor,
  JobService,
  JobsMetrics,
  JobsModule,
  UnknownJobError,
  type JobHandler,
  type JobOutboxOptions,
  type JobTransaction,
} from '../../lib/index.js';
import { JobOutboxEntry } from '../../lib/history.entry.js';
import { OutboxRelay } from '../../lib/outbox/outbox.relay.js';
import { AppEventStore } from '../../lib/events/app-event.store.js';
import { ChildApp } from '../support/child-app.js';
import { DATABASES, migratedHistory, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { createJobsApp } from '../support/jobs-app.js';
import { testLogger } from '../support/logger.js';
import { deletePrefix, migrateQueues, queueConnection, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

class OrderPayload {
  @IsString()
  key!: string;
}

/** Runs per payload key, across every app of this process: a job that runs twice shows here. */
const runs = new Map<string, number>();
const runsOf = (key: string) => runs.get(key) ?? 0;

@JobProcessor('outbox.work', { schema: OrderPayload })
class OutboxWork implements JobHandler<OrderPayload, void> {
  handle(data: OrderPayload) {
    runs.set(data.key, runsOf(data.key) + 1);
  }
}

/** Deliveries per event id: an event delivered twice, or one rolled back and delivered anyway, shows here. */
const deliveries = new Map<string, number>();

@Injectable()
class OrderEvents {
  @OnAppEvent('order.placed')
  placed(_payload: unknown, ctx: AppEventContext) {
    deliveries.set(ctx.event.id, (deliveries.get(ctx.event.id) ?? 0) + 1);
  }
}

async function outboxApp(db: TestDatabase, prefix: string, outbox: JobOutboxOptions = { pollInterval: 50 }, events = false) {
  const app = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...db.options, autoLoadEntities: true, retryAttempts: 1 }),
      JobsModule.forRoot({
        connection: queueConnection(prefix),
        prefix,
        history: { flushInterval: 200, outbox },
        metrics: { path: false },
        events,
      }),
    ],
    providers: events ? [OutboxWork, OrderEvents] : [OutboxWork],
  })
    .setLogger(testLogger())
    .compile();
  await app.init();
  return {
    app,
    jobs: app.get(JobService),
    relay: app.get(OutboxRelay),
    dataSource: app.get(DataSource),
    events: events ? app.get(AppEvents) : undefined,
    close: () => app.close(),
  };
}

/** The business row a transaction writes beside its job. */
async function insertOrder(manager: EntityManager, key: string): Promise<void> {
  const placeholder = manager.connection.options.type === 'postgres' ? '$1' : '?';
  await manager.query(`INSERT INTO outbox_orders (id) VALUES (${placeholder})`, [key]);
}

async function orderExists(dataSource: DataSource, key: string): Promise<boolean> {
  const placeholder = dataSource.options.type === 'postgres' ? '$1' : '?';
  return (await dataSource.query(`SELECT id FROM outbox_orders WHERE id = ${placeholder}`, [key])).length === 1;
}

const outboxRows = (dataSource: DataSource | EntityManager, jobIds: string[]) =>
  (dataSource instanceof DataSource ? dataSource.manager : dataSource).countBy(JobOutboxEntry, { jobId: In(jobIds) });

describe.each(['postgres', 'mariadb', 'sqlite'] as DatabaseKind[])('enqueue inside the transaction, on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await DATABASES[kind]();
    const migrated = await migratedHistory(db.options);
    await migrated.query('CREATE TABLE outbox_orders (id varchar(64) PRIMARY KEY)');
    await migrated.destroy();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('runs the job of a committed transaction once, and leaves neither job nor row of a rolled-back one', async () => {
    const prefix = uniquePrefix('outbox');
    const t = await outboxApp(db, prefix);
    try {
      const committed = `${prefix}-committed`;
      const handle = await t.dataSource.transaction(async (manager) => {
        await insertOrder(manager, committed);
        return t.jobs.add('outbox.work', { key: committed }, { transaction: manager });
      });
      expect(handle).toEqual({ id: expect.any(String), name: 'outbox.work', queue: 'default' });
      await waitUntil(() => runsOf(committed) === 1, 15_000, 'the committed job to run');
      expect(await t.jobs.get(handle.id)).toMatchObject({ id: handle.id, data: { key: committed } });

      const rolledBack = `${prefix}-rolled-back`;
      let rolledBackId = '';
      await expect(
        t.dataSource.transaction(async (manager) => {
          await insertOrder(manager, rolledBack);
          rolledBackId = (await t.jobs.add('outbox.work', { key: rolledBack }, { transaction: manager, jobId: `order:${rolledBack}` })).id;
          throw new Error('the business rule refuses the order');
        }),
      ).rejects.toThrow('the business rule refuses the order');
      expect(rolledBackId).toBe(`order:${rolledBack}`);
      // Whatever was committed has been moved once this returns.
      await t.relay.drain();
      expect(await orderExists(t.dataSource, rolledBack)).toBe(false);
      expect(await t.jobs.get(rolledBackId)).toBeNull();
      expect(await outboxRows(t.dataSource, [handle.id])).toBe(0);
      expect(await t.dataSource.getRepository(JobOutboxEntry).count()).toBe(0);
      expect(runsOf(rolledBack)).toBe(0);
      expect(runsOf(committed)).toBe(1);
      // From the add in the transaction to the queue's add: about one poll interval (50 ms here), never many.
      const scraped = await t.app.get(JobsMetrics).metrics();
      expect(scraped).toMatch(/^jobs_outbox_relayed_total 1$/m);
      const lag = Number(/^jobs_outbox_relay_lag_seconds (\S+)$/m.exec(scraped)?.[1]);
      expect(lag).toBeGreaterThan(0);
      expect(lag).toBeLessThan(5);
    } finally {
      await t.close();
      await deletePrefix(prefix);
    }
  });

  it('emits an event inside the transaction: stored and delivered once if it commits, neither if it rolls back', async () => {
    const prefix = uniquePrefix('outbox-events');
    const t = await outboxApp(db, prefix, { pollInterval: 50 }, true);
    const store = t.app.get(AppEventStore);
    try {
      const committed = await t.dataSource.transaction((manager) =>
        t.events!.emit('order.placed', { key: 'a' }, { source: 'shop', transaction: manager }),
      );
      await waitUntil(() => deliveries.get(committed) === 1, 15_000, 'the committed event to be delivered');
      expect(await store.get(committed)).toMatchObject({ id: committed, name: 'order.placed', source: 'shop' });

      let rolledBack = '';
      await expect(
        t.dataSource.transaction(async (manager) => {
          rolledBack = await t.events!.emit('order.placed', { key: 'b' }, { transaction: manager });
          throw new Error('the order is refused');
        }),
      ).rejects.toThrow('the order is refused');
      await t.relay.drain();
      expect(await store.get(rolledBack)).toBeNull();
      expect(deliveries.get(rolledBack)).toBeUndefined();
      expect(deliveries.get(committed)).toBe(1);
    } finally {
      await t.close();
      await deletePrefix(prefix);
    }
  });

  it("takes a QueryRunner's transaction and a bulk add, with the caller's job ids", async () => {
    const prefix = uniquePrefix('outbox-qr');
    const t = await outboxApp(db, prefix);
    const runner = t.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const keys = [1, 2, 3].map((n) => `${prefix}-bulk-${n}`);
      for (const key of keys) await insertOrder(runner.manager, key);
      const handles = await t.jobs.addBulk(
        keys.map((key) => ({ name: 'outbox.work', data: { key }, options: { jobId: `order:${key}` } })),
        { transaction: runner },
      );
      expect(handles.map((h) => h.id)).toEqual(keys.map((key) => `order:${key}`));
      // Not in the queue before the commit.
      expect(await t.jobs.get(handles[0].id)).toBeNull();
      await runner.commitTransaction();
      await waitUntil(() => keys.every((key) => runsOf(key) === 1), 15_000, 'the three jobs to run');
      await t.relay.drain();
      expect(keys.map(runsOf)).toEqual([1, 1, 1]);
    } finally {
      await runner.release();
      await t.close();
      await deletePrefix(prefix);
    }
  });

  it('moves a job when its transaction commits on this instance, not at the next poll, and not at a savepoint', async () => {
    const prefix = uniquePrefix('outbox-nudge');
    // No poll within the test: only the commit can have moved the job.
    const t = await outboxApp(db, prefix, { pollInterval: 600_000 });
    const runner = t.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      await runner.startTransaction();
      const key = `${prefix}-nested`;
      const { id } = await t.jobs.add('outbox.work', { key }, { transaction: runner });
      // Releasing the savepoint commits nothing: the row waits for the outer commit.
      await runner.commitTransaction();
      expect(runner.isTransactionActive).toBe(true);
      await runner.commitTransaction();
      await waitUntil(() => runsOf(key) === 1, 10_000, 'the job to run after the commit');
      // The relay deletes the row in its own transaction, which may commit after the job has already started.
      await waitUntil(async () => (await outboxRows(t.dataSource, [id])) === 0, 10_000, 'the relay to delete the moved row');

      const again = `${prefix}-managed`;
      const handle = await t.dataSource.transaction((manager) => t.jobs.add('outbox.work', { key: again }, { transaction: manager }));
      await waitUntil(() => runsOf(again) === 1, 10_000, 'the second job to run after its commit');
      expect(await t.jobs.get(handle.id)).toMatchObject({ id: handle.id });
      // Counted once the relay's own transaction has deleted the rows, which can end after the job has run.
      await waitUntil(() => t.relay.stats.relayed === 2, 10_000, 'both rows counted as relayed');
      await t.relay.drain();
      expect(t.relay.stats.relayed).toBe(2);
    } finally {
      await runner.release();
      await t.close();
      await deletePrefix(prefix);
    }
  });

  it('throws validation errors inside the transaction, before anything is written', async () => {
    const prefix = uniquePrefix('outbox-bad');
    const t = await outboxApp(db, prefix);
    try {
      const key = `${prefix}-bad`;
      await t.dataSource.transaction(async (manager) => {
        await expect(t.jobs.add('outbox.work', { key: 42 }, { transaction: manager })).rejects.toThrow(JobPayloadValidationError);
        await expect(t.jobs.add('outbox.work', { key }, { transaction: manager, attempts: 0 })).rejects.toMatchObject({
          option: 'attempts',
        });
        await expect(t.jobs.add('outbox.missing' as never, { key } as never, { transaction: manager })).rejects.toThrow(UnknownJobError);
        await expect(
          t.jobs.addBulk(
            [
              { name: 'outbox.work', data: { key } },
              { name: 'outbox.work', data: { key: 7 } },
            ],
            { transaction: manager },
          ),
        ).rejects.toThrow(JobPayloadValidationError);
        // The transaction sees its own writes: there are none.
        expect(await manager.count(JobOutboxEntry)).toBe(0);
      });
      expect(await t.dataSource.getRepository(JobOutboxEntry).count()).toBe(0);
    } finally {
      await t.close();
      await deletePrefix(prefix);
    }
  });

  it('refuses a transaction that is not a manager or query runner, or not in a transaction, naming the option', async () => {
    const prefix = uniquePrefix('outbox-refused');
    const t = await outboxApp(db, prefix);
    try {
      const data = { key: `${prefix}-refused` };
      const refusal = (message: RegExp) =>
        expect.objectContaining({ option: 'transaction', code: 'JOB_OPTIONS_INVALID', message: expect.stringMatching(message) });
      await expect(t.jobs.add('outbox.work', data, { transaction: {} as JobTransaction })).rejects.toEqual(
        refusal(/must be the EntityManager of a TypeORM transaction .*got an object \(Object\)/),
      );
      await expect(t.jobs.add('outbox.work', data, { transaction: null as never })).rejects.toEqual(refusal(/got null/));
      await expect(t.jobs.add('outbox.work', data, { transaction: t.dataSource.manager })).rejects.toEqual(
        refusal(/must be in a transaction/),
      );
      const idle = t.dataSource.createQueryRunner();
      await expect(t.jobs.addBulk([{ name: 'outbox.work', data }], { transaction: idle })).rejects.toEqual(
        refusal(/must be in a transaction/),
      );
      await idle.release();
      await expect(t.jobs.add('outbox.work', data, { transaction: {} as JobTransaction })).rejects.toBeInstanceOf(InvalidJobOptionsError);
      await t.relay.drain();
      expect(await t.dataSource.getRepository(JobOutboxEntry).count()).toBe(0);
      expect(await t.jobs.counts('default')).toMatchObject({ waiting: 0, prioritized: 0, active: 0, completed: 0 });
    } finally {
      await t.close();
      await deletePrefix(prefix);
    }
  });

  it('runs once the job a process committed before it was SIGKILLed, ahead of its relay, once the next process starts', async () => {
    const prefix = uniquePrefix('outbox-kill');
    await migrateQueues(prefix);
    const key = `${prefix}-killed`;
    const child = new ChildApp('test/outbox/fixtures/committing-app.mjs', {
      JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)),
      PREFIX: prefix,
      HISTORY_DB: JSON.stringify(db.options),
      // Its relay read the empty outbox at start; its next read would come long after.
      JOBS_OPTIONS: JSON.stringify({ history: { outbox: { pollInterval: 600_000 } } }),
      ORDER: key,
    });
    let next: Awaited<ReturnType<typeof outboxApp>> | undefined;
    try {
      // It kills itself right after the commit, before its relay could move the row.
      await waitUntil(() => child.exited, 30_000, 'the child to commit and die');
      const line = child.lines.find((l) => l.startsWith('COMMITTED '));
      expect(line).toBeDefined();
      const id = line!.slice('COMMITTED '.length);
      // Committed, and never relayed: the row is there for the next process.
      const database = await migratedHistory(db.options);
      const left = await outboxRows(database, [id]).finally(() => database.destroy());
      expect(left).toBe(1);

      next = await outboxApp(db, prefix);
      await waitUntil(() => runsOf(key) === 1, 15_000, 'the killed process’s job to run');
      await next.jobs.waitUntilFinished(id, { timeout: 15_000 });
      await next.relay.drain();
      expect(await orderExists(next.dataSource, key)).toBe(true);
      expect(await outboxRows(next.dataSource, [id])).toBe(0);
      expect(await next.jobs.get(id)).toMatchObject({ state: 'completed' });
      expect(runsOf(key)).toBe(1);
    } finally {
      await child.stop('SIGKILL');
      await next?.close();
      await deletePrefix(prefix);
    }
  }, 60_000);

  it('runs once a job whose row is relayed again after its queue already took it', async () => {
    const prefix = uniquePrefix('outbox-again');
    // The relay moves rows at their commit and when this test drains it, never on a poll.
    const t = await outboxApp(db, prefix, { pollInterval: 600_000 });
    try {
      const key = `${prefix}-again`;
      let row!: JobOutboxEntry;
      const handle = await t.dataSource.transaction(async (manager) => {
        const added = await t.jobs.add('outbox.work', { key }, { transaction: manager });
        [row] = await manager.findBy(JobOutboxEntry, { jobId: added.id });
        return added;
      });
      expect(row).toMatchObject({ queue: 'default', name: 'outbox.work' });
      await waitUntil(() => runsOf(key) === 1, 15_000, 'the job to run after its commit');
      await t.jobs.waitUntilFinished(handle.id, { timeout: 15_000 });
      // A relay that died between the queue's add and the row's delete leaves the row: it is moved again.
      const { seq: _seq, ...copy } = row;
      await t.dataSource.getRepository(JobOutboxEntry).insert(copy);
      expect(await t.relay.drain()).toBe(1);
      expect(await outboxRows(t.dataSource, [handle.id])).toBe(0);
      expect(await t.jobs.get(handle.id)).toMatchObject({ state: 'completed', attemptsMade: 1 });
      expect(runsOf(key)).toBe(1);
    } finally {
      await t.close();
      await deletePrefix(prefix);
    }
  });

  const concurrent = kind === 'sqlite' ? it.skip : it;
  concurrent(
    'moves 1,000 committed rows with two instances relaying at once, each job run once',
    async () => {
      const prefix = uniquePrefix('outbox-pair');
      await migrateQueues(prefix);
      const options = { pollInterval: 20, batchSize: 50 };
      const a = await outboxApp(db, prefix, options);
      const b = await outboxApp(db, prefix, options);
      try {
        const keys = Array.from({ length: 1_000 }, (_, n) => `${prefix}-${n}`);
        await a.dataSource.transaction(async (manager) => {
          await a.jobs.addBulk(
            keys.map((key) => ({ name: 'outbox.work', data: { key } })),
            { transaction: manager },
          );
        });
        await waitUntil(() => keys.every((key) => runsOf(key) >= 1), 60_000, '1,000 jobs to run');
        await Promise.all([a.relay.drain(), b.relay.drain()]);
        expect(await a.dataSource.getRepository(JobOutboxEntry).count()).toBe(0);
        expect(keys.filter((key) => runsOf(key) !== 1)).toEqual([]);
        expect(a.relay.stats.relayed + b.relay.stats.relayed).toBe(1_000);
        expect(a.relay.stats.relayed).toBeGreaterThan(0);
        expect(b.relay.stats.relayed).toBeGreaterThan(0);
      } finally {
        await b.close();
        await a.close();
        await deletePrefix(prefix);
      }
    },
    90_000,
  );
});

describe('enqueue inside the transaction without history', () => {
  it('refuses `transaction`, naming the option and saying history must be on', async () => {
    const t = await createJobsApp([OutboxWork]);
    try {
      const add = t.jobs.add('outbox.work', { key: `${t.prefix}-no-history` }, { transaction: {} as JobTransaction });
      await expect(add).rejects.toBeInstanceOf(InvalidJobOptionsError);
      await expect(add).rejects.toMatchObject({ option: 'transaction', message: expect.stringMatching(/needs history/) });
      await expect(
        t.jobs.addBulk([{ name: 'outbox.work', data: { key: 'x' } }], { transaction: {} as JobTransaction }),
      ).rejects.toMatchObject({
        option: 'transaction',
      });
      expect(await t.jobs.counts('default')).toMatchObject({ waiting: 0, prioritized: 0, delayed: 0 });
    } finally {
      await t.close();
    }
  });
});
