import { Injectable } from '@nestjs/common';
import type { EntitySubscriberInterface, QueryRunner } from 'typeorm';
import type { JobHandle } from '../interfaces/job-info.interface.js';
import type { JobTransaction } from '../interfaces/job-options.interface.js';
import { transactionRunner } from '../outbox/outbox-transaction.js';
import { handleOfRequest, type JobRequest } from '../runtime/job-request.builder.js';
import type { TransactionalEnqueuer } from '../runtime/transactional-enqueuer.js';
import { TestingJobs } from './testing-jobs.engine.js';

/**
 * `transaction` in the testing mode, which has no outbox table: what was given is checked as `add` checks it, and the
 * jobs are added once that transaction's outermost commit has happened (inside TypeORM's `commitTransaction`, which
 * waits for them, so `inline` mode has run them when the host's transaction call returns), never if it rolls back.
 * TypeORM tells its DataSource's subscribers of every commit and rollback; one listens for the given runner only and
 * removes itself at its end.
 */
@Injectable()
export class TestingOutbox implements TransactionalEnqueuer {
  constructor(private readonly engine: TestingJobs) {}

  async write(requests: JobRequest[], transaction: JobTransaction): Promise<JobHandle[]> {
    const runner = transactionRunner(transaction);
    const subscribers = runner.connection.subscribers;
    const ended = ({ queryRunner }: { queryRunner: QueryRunner }): boolean => {
      // A savepoint's release or rollback is told too; only the outermost one ends the transaction.
      if (queryRunner !== runner || runner.isTransactionActive) return false;
      subscribers.splice(subscribers.indexOf(subscriber), 1);
      return true;
    };
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: async (event) => {
        if (!ended(event)) return;
        await this.engine.add(requests);
        await this.engine.settle();
      },
      afterTransactionRollback: (event) => void ended(event),
    };
    subscribers.push(subscriber);
    return requests.map(handleOfRequest);
  }
}
