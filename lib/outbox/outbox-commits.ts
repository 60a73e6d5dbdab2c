import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { OUTBOX_DATA_SOURCE } from './outbox.constants.js';

/**
 * Tells the relay that a transaction which wrote outbox rows on this instance has committed, so its jobs move at once
 * rather than at the next poll. TypeORM broadcasts every commit and rollback to the DataSource's subscribers; this one
 * listens only for the query runners the writer used. Rows committed on other instances still wait for a poll.
 */
@Injectable()
export class OutboxCommits implements OnModuleInit, OnModuleDestroy {
  private readonly writing = new WeakSet<QueryRunner>();
  private listener?: () => void;
  private readonly subscriber: EntitySubscriberInterface = {
    // A savepoint's release or rollback is broadcast too; only the outermost one ends what the rows depend on.
    afterTransactionCommit: ({ queryRunner }) => {
      if (!queryRunner.isTransactionActive && this.writing.delete(queryRunner)) this.listener?.();
    },
    afterTransactionRollback: ({ queryRunner }) => {
      if (!queryRunner.isTransactionActive) this.writing.delete(queryRunner);
    },
  };

  constructor(@Inject(OUTBOX_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The writer put rows into this runner's transaction. */
  wrote(runner: QueryRunner): void {
    this.writing.add(runner);
  }

  /** The relay's nudge; one listener, called synchronously inside the host's `commitTransaction`, so it must be cheap. */
  onCommit(listener: () => void): void {
    this.listener = listener;
  }

  onModuleInit(): void {
    this.dataSource.subscribers.push(this.subscriber);
  }

  onModuleDestroy(): void {
    const at = this.dataSource.subscribers.indexOf(this.subscriber);
    if (at >= 0) this.dataSource.subscribers.splice(at, 1);
  }
}
