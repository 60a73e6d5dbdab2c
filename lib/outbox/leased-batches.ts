import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { JobHistoryCursor } from '../history/entities/job-history-cursor.entity.js';
import { JobOutboxEntry } from '../history/entities/job-outbox-entry.entity.js';
import { HistoryCursors } from '../history/history-cursors.js';
import { deleteRows, oldestRows, type OutboxBatches, type SendRows } from './outbox-batches.js';

const LEASE_MS = 10_000;

/**
 * SQLite has no row locks: one relay per namespace holds a lease in `job_history_cursors`, as history's stream checker
 * does, and reads, adds and deletes without a transaction, so the database's single write lock is never held across
 * a round trip to the queue (the host's own writes would wait on it). It reads through a connection of its own:
 * TypeORM's SQLite driver shares one connection across the DataSource, and a read on it would see the rows of a host
 * transaction that has not committed yet (and may roll back).
 */
export class LeasedBatches implements OutboxBatches {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly key: string;
  private own?: Promise<{ dataSource: DataSource; cursors: HistoryCursors }>;
  /** Rows added to their queues whose delete failed: deleted before anything else is read, so they are not added again. */
  private sent: JobOutboxEntry[] = [];

  constructor(
    private readonly options: DataSourceOptions,
    private readonly namespace: string,
  ) {
    this.key = `outbox:${namespace}`;
  }

  async move(size: number, queues: string[], send: SendRows): Promise<JobOutboxEntry[]> {
    const { dataSource, cursors } = await this.connection();
    if ((await cursors.acquire(this.key)) === undefined) return [];
    if (this.sent.length) {
      await deleteRows(dataSource.manager, this.sent);
      this.sent = [];
    }
    const rows = await oldestRows(dataSource.manager, this.namespace, queues, size).getMany();
    if (!rows.length) return rows;
    await send(rows);
    this.sent = rows;
    await deleteRows(dataSource.manager, rows);
    this.sent = [];
    return rows;
  }

  async close(): Promise<void> {
    const own = this.own;
    this.own = undefined;
    const opened = await own?.catch(() => undefined);
    if (!opened) return;
    await opened.cursors.release(this.key).catch(() => undefined);
    await opened.dataSource.destroy();
  }

  private connection(): Promise<{ dataSource: DataSource; cursors: HistoryCursors }> {
    if (this.own) return this.own;
    const own = new DataSource({
      ...this.options,
      entities: [JobOutboxEntry, JobHistoryCursor],
      migrations: [],
      migrationsRun: false,
      subscribers: [],
      synchronize: false,
      logging: false,
    })
      .initialize()
      .then((dataSource) => ({
        dataSource,
        cursors: new HistoryCursors(dataSource.getRepository(JobHistoryCursor), this.owner, LEASE_MS),
      }));
    // A connection that failed to open is opened again on the next tick.
    own.catch(() => (this.own = undefined));
    return (this.own = own);
  }
}
