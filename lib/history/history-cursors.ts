import type { EntityManager, Repository } from 'typeorm';
import { JobHistoryCursor } from './entities/job-history-cursor.entity.js';

/** The lease was taken over (or expired) while a batch was being written; the batch rolls back. */
export class LeaseLostError extends Error {
  constructor(queue: string) {
    super(`The history lease of queue "${queue}" is held by another instance.`);
  }
}

/**
 * Per queue, one instance at a time checks the event stream against history: it holds a lease in the host database and
 * advances the stream position once the rows of what it checked are written, so no event is skipped whichever instance
 * dies (a batch checked again finds its rows written).
 */
export class HistoryCursors {
  constructor(
    private readonly cursors: Repository<JobHistoryCursor>,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** Takes or renews the lease; returns the stored position (null before the first) while it is held, else undefined. */
  async acquire(queue: string): Promise<string | null | undefined> {
    await this.cursors
      .createQueryBuilder()
      .insert()
      .into(JobHistoryCursor)
      .values({ queue, position: null, owner: null, leaseUntil: '0' })
      .orIgnore()
      .execute();
    const now = Date.now();
    const taken = await this.cursors
      .createQueryBuilder()
      .update(JobHistoryCursor)
      .set({ owner: this.owner, leaseUntil: String(now + this.leaseMs) })
      .where('queue = :queue AND (owner = :owner OR owner IS NULL OR lease_until < :now)', { queue, owner: this.owner, now })
      .execute();
    if (!taken.affected) return undefined;
    const row = await this.cursors.findOneBy({ queue });
    return row?.owner === this.owner ? row.position : undefined;
  }

  /** Stores the position and renews the lease; throws `LeaseLostError` if it is not held. */
  async advance(manager: EntityManager, queue: string, position: string): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(JobHistoryCursor)
      .set({ position, leaseUntil: String(Date.now() + this.leaseMs) })
      .where('queue = :queue AND owner = :owner', { queue, owner: this.owner })
      .execute();
    if (!result.affected) throw new LeaseLostError(queue);
  }

  /** Gives the lease up at shutdown, so another instance takes over at once instead of after it expires. */
  async release(queue: string): Promise<void> {
    await this.cursors
      .createQueryBuilder()
      .update(JobHistoryCursor)
      .set({ owner: null, leaseUntil: '0' })
      .where('queue = :queue AND owner = :owner', { queue, owner: this.owner })
      .execute();
  }
}
