import type { Queue } from 'bullmq';
import type { BoardQueueOptions } from '../interfaces/jobs-admin.interface.js';

/**
 * The board's public handle, injected by the host when `board` is on: its own queues beside the module's, kept across
 * the module's start-up. An abstract class, so `import 'nestjs-jobs'` loads nothing of Bull Board's.
 */
export abstract class JobsBoard {
  /** Shows a BullMQ queue of the host's (a `@nestjs/bullmq` queue is one); refused if a queue of that name is already on. */
  abstract addQueue(queue: Queue, options?: BoardQueueOptions): void;
  /** Takes a queue of the host's off the board; false if there was none of that name. The module's queues stay. */
  abstract removeQueue(name: string): boolean;
  /** The names of the queues on the board, the module's and the host's. */
  abstract queueNames(): string[];
}
