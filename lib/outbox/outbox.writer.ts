import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { JobOutboxEntry } from '../history/entities/job-outbox-entry.entity.js';
import type { JobHandle } from '../interfaces/job-info.interface.js';
import type { JobTransaction } from '../interfaces/job-options.interface.js';
import { BullMqFactory } from '../runtime/bullmq.factory.js';
import { handleOfRequest, type QueuedRequest } from '../runtime/job-request.builder.js';
import type { TransactionalEnqueuer } from '../runtime/transactional-enqueuer.js';
import { OutboxCommits } from './outbox-commits.js';
import { OUTBOX_DATA_SOURCE } from './outbox.constants.js';
import { outboxRow } from './outbox-rows.js';
import { transactionManager } from './outbox-transaction.js';

/** Rows per INSERT: well inside every database's limit of bound parameters (SQLite's is the lowest). */
const ROWS_PER_INSERT = 500;

/**
 * `add` and `addBulk` with `transaction`: validated requests become rows of `job_outbox` in the host's transaction, so
 * they exist only if it commits; the relay puts them on their queues. The handle is known at once: the id is the job's.
 */
@Injectable()
export class OutboxWriter implements TransactionalEnqueuer {
  constructor(
    @Inject(OUTBOX_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly factory: BullMqFactory,
    private readonly commits: OutboxCommits,
  ) {}

  async write(requests: QueuedRequest[], transaction: JobTransaction): Promise<JobHandle[]> {
    const manager = transactionManager(transaction, this.dataSource);
    const now = Date.now();
    const rows = requests.map((r) => outboxRow(r, this.factory.namespace, now));
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(JobOutboxEntry)
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .updateEntity(false)
        .execute();
    }
    if (manager.queryRunner) this.commits.wrote(manager.queryRunner);
    return requests.map(handleOfRequest);
  }
}
