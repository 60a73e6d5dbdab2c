import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import {
  AppEvents,
  InvalidJobOptionsError,
  JobProcessor,
  JobService,
  JobsTesting,
  JobsTestingModule,
  OnAppEvent,
  type JobHandler,
  type JobsTestingMode,
} from '../../lib/index.js';
import { testLogger } from '../support/logger.js';

@Injectable()
@JobProcessor('order.mail')
class OrderMail implements JobHandler<{ order: string }, void> {
  readonly sent: string[] = [];
  handle(data: { order: string }) {
    this.sent.push(data.order);
  }
}

@Injectable()
class OrderAudit {
  readonly seen: string[] = [];
  @OnAppEvent('order.placed')
  placed(payload: { order: string }) {
    this.seen.push(payload.order);
  }
}

/** A host's unit test: the testing mode, and a real in-memory SQLite database for the host's own transactions. */
describe.each(['fake', 'inline'] as JobsTestingMode[])('`transaction` under JobsTestingModule, %s mode', (mode) => {
  let app: TestingModule;
  let dataSource: DataSource;
  let jobs: JobService;
  let testing: JobsTesting;
  const ran = () => (mode === 'fake' ? testing.drain() : Promise.resolve(0));

  beforeEach(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await dataSource.query('CREATE TABLE orders (id varchar(32) PRIMARY KEY)');
    app = await Test.createTestingModule({
      imports: [JobsTestingModule.forRoot({ mode, events: true })],
      providers: [OrderMail, OrderAudit],
    })
      .setLogger(testLogger())
      .compile();
    await app.init();
    jobs = app.get(JobService);
    testing = app.get(JobsTesting);
  });
  afterEach(async () => {
    await app.close();
    await dataSource.destroy();
  });

  it('adds the job when the transaction commits, and never when it rolls back', async () => {
    const handle = await dataSource.transaction(async (manager) => {
      await manager.query("INSERT INTO orders (id) VALUES ('a')");
      const added = await jobs.add('order.mail', { order: 'a' }, { transaction: manager, jobId: 'mail:a' });
      // Not queued before the commit, as with the real outbox.
      expect(testing.enqueued('order.mail')).toEqual([]);
      return added;
    });
    expect(handle).toEqual({ id: 'mail:a', name: 'order.mail', queue: 'default' });
    expect(testing.enqueued('order.mail').map((j) => j.id)).toEqual(['mail:a']);

    await expect(
      dataSource.transaction(async (manager) => {
        await jobs.addBulk([{ name: 'order.mail', data: { order: 'b' } }], { transaction: manager });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await ran();
    expect(testing.enqueued('order.mail').map((j) => j.data)).toEqual([{ order: 'a' }]);
    expect(app.get(OrderMail).sent).toEqual(['a']);
  });

  it('waits for the outermost commit, not a savepoint', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    await runner.startTransaction();
    await jobs.add('order.mail', { order: 'nested' }, { transaction: runner });
    await runner.commitTransaction();
    expect(testing.enqueued('order.mail')).toEqual([]);
    await runner.commitTransaction();
    await runner.release();
    await ran();
    expect(app.get(OrderMail).sent).toEqual(['nested']);
  });

  it('emits an event inside the transaction: delivered once it commits, not if it rolls back', async () => {
    const events = app.get(AppEvents);
    await dataSource.transaction((manager) => events.emit('order.placed', { order: 'c' }, { transaction: manager }));
    await expect(
      dataSource.transaction(async (manager) => {
        await events.emit('order.placed', { order: 'd' }, { transaction: manager });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await ran();
    expect(app.get(OrderAudit).seen).toEqual(['c']);
  });

  it('refuses what is not a transaction, naming the option, as JobsModule does', async () => {
    await expect(jobs.add('order.mail', { order: 'e' }, { transaction: dataSource.manager })).rejects.toThrow(InvalidJobOptionsError);
    await expect(jobs.add('order.mail', { order: 'e' }, { transaction: {} as never })).rejects.toMatchObject({ option: 'transaction' });
    expect(testing.enqueued()).toEqual([]);
  });
});
