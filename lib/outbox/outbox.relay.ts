import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { JobOutboxEntry } from '../history/entities/job-outbox-entry.entity.js';
import { dialectOf } from '../history/migrations/migration-dialect.js';
import { BullMqFactory } from '../runtime/bullmq.factory.js';
import { FaultLog } from '../runtime/fault-log.js';
import { JobEnqueuer } from '../runtime/job.enqueuer.js';
import { QueueRegistry } from '../runtime/queue.registry.js';
import { within } from '../within.js';
import { LeasedBatches } from './leased-batches.js';
import { LockedBatches, type OutboxBatches } from './outbox-batches.js';
import { OutboxCommits } from './outbox-commits.js';
import { OUTBOX_DATA_SOURCE, OUTBOX_OPTIONS, type OutboxStats } from './outbox.constants.js';
import type { ResolvedOutboxOptions } from './outbox.options.js';
import { relayedRequest } from './outbox-rows.js';

const SHUTDOWN_WAIT_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Moves the jobs that committed transactions wrote into `job_outbox` to their queues, on every instance with history:
 * a full batch is followed by the next at once, an empty one by `history.outbox.pollInterval`, unless a transaction of
 * this instance that wrote rows commits first. The queue's add uses the row's job id, so a row moved twice (its relay
 * died between the add and the delete) is refused by the queue.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobsModule');
  private readonly fault = new FaultLog(this.logger, 'Job outbox relay');
  private readonly batches: OutboxBatches;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  /** A commit arrived while a batch was moving: the next one starts at once, as its rows may not have been seen. */
  private nudged = false;
  /** One batch at a time on this instance, whether the timer or `drain` asks. */
  private moving: Promise<unknown> = Promise.resolve();
  readonly stats: OutboxStats = { relayed: 0, lastLagMs: 0 };

  constructor(
    @Inject(OUTBOX_DATA_SOURCE) dataSource: DataSource,
    @Inject(OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    factory: BullMqFactory,
    private readonly queues: QueueRegistry,
    private readonly enqueuer: JobEnqueuer,
    commits: OutboxCommits,
  ) {
    commits.onCommit(() => this.soon());
    this.batches =
      dialectOf({ connection: dataSource }) === 'sqlite'
        ? new LeasedBatches(dataSource.options, factory.namespace)
        : new LockedBatches(dataSource, factory.namespace);
  }

  onApplicationBootstrap(): void {
    this.schedule(this.options.pollInterval);
  }

  /** Moves every row committed so far, in batches (tests, and hosts that want the outbox empty now). */
  async drain(): Promise<number> {
    await this.ticking;
    let moved = 0;
    for (let batch = -1; batch !== 0; moved += batch) batch = await this.move();
    return moved;
  }

  /** Before the host's DataSource closes; a batch in flight finishes, or rolls back and stays for the next relay. */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A batch blocked on a backend that does not answer must not hold the application's close.
    await within(this.moving, SHUTDOWN_WAIT_MS);
    await this.batches.close().catch(() => undefined);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      let full = false;
      this.ticking = this.move()
        .then((moved) => void (full = moved === this.options.batchSize))
        .catch((err: Error) => this.fault.failed(err))
        .finally(() => {
          this.ticking = undefined;
          if (!this.timer) return;
          const { pollInterval } = this.options;
          const now = full || this.nudged;
          this.nudged = false;
          this.schedule(this.fault.count ? Math.min(MAX_BACKOFF_MS, pollInterval * 2 ** this.fault.count) : now ? 0 : pollInterval);
        });
    }, delay);
  }

  /** A local commit wrote rows: move them now, unless the relay is backing off after a fault or is stopped. */
  private soon(): void {
    if (!this.timer || this.fault.count) return;
    if (this.ticking) this.nudged = true;
    else {
      clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  private move(): Promise<number> {
    const next = this.moving.then(async () => {
      const moved = await this.batches.move(this.options.batchSize, this.queues.names(), (rows) => this.send(rows));
      this.fault.succeeded();
      // Counted once deleted: a batch rolled back after its add is moved (and counted) again.
      if (moved.length) {
        this.stats.relayed += moved.length;
        this.stats.lastLagMs = Date.now() - Number(moved[moved.length - 1].createdAt);
      }
      return moved.length;
    });
    this.moving = next.catch(() => undefined);
    return next;
  }

  private async send(rows: JobOutboxEntry[]): Promise<void> {
    await this.enqueuer.addBulk(rows.map(relayedRequest));
  }
}
