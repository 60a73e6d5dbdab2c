import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { InvalidJobOptionsError } from '../jobs.errors.js';

/** TypeORM marks its managers so that copies of the package recognise each other's; query runners carry a manager. */
const isManager = (v: unknown): v is EntityManager =>
  typeof v === 'object' && v !== null && (v as Record<string, unknown>)['@instanceof'] === Symbol.for('EntityManager');

const isQueryRunner = (v: unknown): v is QueryRunner =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as QueryRunner).startTransaction === 'function' &&
  typeof (v as QueryRunner).isTransactionActive === 'boolean' &&
  isManager((v as QueryRunner).manager);

const describe = (v: unknown): string =>
  v === null ? 'null' : typeof v === 'object' ? `an object (${v.constructor?.name ?? 'no class'})` : `a ${typeof v}`;

/**
 * The query runner of the host's open transaction given as `transaction`, or the refusal naming the option: a manager
 * outside a transaction would write the row at once, committed whatever the host's work does next.
 */
export function transactionRunner(transaction: unknown): QueryRunner {
  let runner: QueryRunner | undefined;
  if (isManager(transaction)) runner = transaction.queryRunner;
  else if (isQueryRunner(transaction)) runner = transaction;
  else {
    throw new InvalidJobOptionsError(
      'transaction',
      `must be the EntityManager of a TypeORM transaction (dataSource.transaction(manager => ...)) or a QueryRunner in one; got ${describe(transaction)}.`,
    );
  }
  if (!runner?.isTransactionActive) {
    throw new InvalidJobOptionsError(
      'transaction',
      'must be in a transaction: this EntityManager or QueryRunner has none open (use the manager that dataSource.transaction() hands its callback, or call queryRunner.startTransaction() first).',
    );
  }
  return runner;
}

/** The manager that writes into the host's open transaction, which must be one of history's DataSource. */
export function transactionManager(transaction: unknown, history: DataSource): EntityManager {
  const runner = transactionRunner(transaction);
  if (runner.connection !== history) {
    throw new InvalidJobOptionsError(
      'transaction',
      "must belong to history's DataSource (`history.dataSource`), where the outbox table is; it belongs to another one.",
    );
  }
  return runner.manager;
}
