import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { Queue } from 'bullmq';
import type { BoardQueueOptions } from '../interfaces/jobs-admin.interface.js';
import { badOption } from '../option-checks.js';
import { QueueRegistry } from '../runtime/queue.registry.js';
import { isQueue, type ResolvedBoardOptions } from './board-options.js';
import { BOARD_INSTANCE, BOARD_OPTIONS } from './board.constants.js';
import { JobsBoard } from './jobs-board.js';

/**
 * Puts every queue of the module on the board once processors are discovered, so none is forgotten by hand, and keeps
 * the host's queues (from `board.queues` or `JobsBoard.addQueue`, before start-up or after) beside them.
 */
@Injectable()
export class BoardQueues extends JobsBoard implements OnApplicationBootstrap {
  private readonly hostQueues = new Map<string, BullMQAdapter>();
  private own: BullMQAdapter[] = [];

  constructor(
    @Inject(BOARD_INSTANCE) private readonly board: ReturnType<typeof createBullBoard>,
    @Inject(BOARD_OPTIONS) private readonly options: ResolvedBoardOptions,
    private readonly queues: QueueRegistry,
  ) {
    super();
    for (const { queue, ...options } of this.options.hostQueues) this.hostQueues.set(queue.name, this.adapter(queue, options));
  }

  onApplicationBootstrap(): void {
    const names = this.queues.names();
    const unknown = Object.keys(this.options.queueOptions ?? {}).filter((name) => !names.includes(name));
    if (unknown.length) badOption('board.queueOptions', `keyed by queues of the module (${names.join(', ')})`, unknown);
    const taken = names.find((name) => this.hostQueues.has(name));
    if (taken) badOption('board.queues', 'queues whose names differ from the module’s', `a queue named "${taken}"`, String);
    this.own = names.map((name) => this.adapter(this.queues.get(name), this.options.queueOptions?.[name] ?? {}));
    this.board.replaceQueues([...this.own, ...this.hostQueues.values()]);
    if (!this.options.auth && !this.options.middleware) {
      new Logger('JobsModule').warn('The jobs board has neither board.auth nor board.middleware, so it refuses every request (403).');
    }
  }

  addQueue(queue: Queue, options: BoardQueueOptions = {}): void {
    if (!isQueue(queue)) throw new TypeError('JobsBoard.addQueue takes a BullMQ Queue.');
    if (this.queueNames().includes(queue.name)) {
      throw new TypeError(`JobsBoard.addQueue: a queue named "${queue.name}" is already on the board.`);
    }
    const adapter = this.adapter(queue, options);
    this.hostQueues.set(queue.name, adapter);
    this.board.addQueue(adapter);
  }

  removeQueue(name: string): boolean {
    if (!this.hostQueues.delete(name)) return false;
    this.board.removeQueue(name);
    return true;
  }

  queueNames(): string[] {
    return [...this.own, ...this.hostQueues.values()].map((adapter) => adapter.getName());
  }

  private adapter(queue: Queue, { displayName, readOnly }: BoardQueueOptions): BullMQAdapter {
    const readOnlyMode = readOnly ?? this.options.readOnly ?? false;
    return new BullMQAdapter(queue, { readOnlyMode, ...(displayName ? { displayName } : {}) });
  }
}
