import type { DataSource, EntityManager } from 'typeorm';
import { JobOutboxEntry } from '../history/entities/job-outbox-entry.entity.js';

/** Hands a batch of committed rows to the queues; the batch is deleted only once this resolves. */
export type SendRows = (rows: JobOutboxEntry[]) => Promise<void>;

/** How one database gives the relay its rows, so that relays on several instances never move the same row at once. */
export interface OutboxBatches {
  /** Moves up to `size` of the oldest rows of the namespace's `queues` with `send`, then deletes them; returns those deleted. */
  move(size: number, queues: string[], send: SendRows): Promise<JobOutboxEntry[]>;
  /** At shutdown, before the host's DataSource closes. */
  close(): Promise<void>;
}

/** The oldest committed rows of one namespace's known queues (rows of queues this instance does not know stay for one that does). */
export function oldestRows(manager: EntityManager, namespace: string, queues: string[], size: number) {
  return manager
    .createQueryBuilder(JobOutboxEntry, 'o')
    .where('o.namespace = :namespace AND o.queue IN (:...queues)', { namespace, queues })
    .orderBy('o.seq', 'ASC')
    .limit(size);
}

export async function deleteRows(manager: EntityManager, rows: Array<Pick<JobOutboxEntry, 'seq'>>): Promise<void> {
  await manager
    .createQueryBuilder()
    .delete()
    .from(JobOutboxEntry)
    .where('seq IN (:...seqs)', { seqs: rows.map((r) => r.seq) })
    .execute();
}

/**
 * PostgreSQL and MySQL/MariaDB: one transaction per batch that takes the rows `FOR UPDATE SKIP LOCKED`, adds them to
 * their queues, deletes them and commits. Another instance's relay skips the rows this one holds, so each row is moved
 * by one relay; a relay that dies before the commit leaves its rows, unlocked, for the next. READ COMMITTED, because
 * InnoDB's default REPEATABLE READ adds gap locks to a locking read: two relays then deadlock on their deletes, and the
 * host's own inserts into the outbox wait for a relay's round trip to the queue.
 */
export class LockedBatches implements OutboxBatches {
  /**
   * InnoDB reads one record past the end of a `seq IN (...)` delete and waits for its lock, which the other relay holds:
   * deleting row by row, by equality, touches only the rows this relay holds.
   */
  private readonly deleteOneByOne: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly namespace: string,
  ) {
    this.deleteOneByOne = dataSource.options.type !== 'postgres';
  }

  move(size: number, queues: string[], send: SendRows): Promise<JobOutboxEntry[]> {
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const rows = await oldestRows(manager, this.namespace, queues, size)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (!rows.length) return rows;
      await send(rows);
      if (this.deleteOneByOne) for (const row of rows) await manager.delete(JobOutboxEntry, { seq: row.seq });
      else await deleteRows(manager, rows);
      return rows;
    });
  }

  async close(): Promise<void> {}
}
