import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { createBullBoard } from '@bull-board/api';
import type { JobsBoardOptions } from '../interfaces/jobs-admin.interface.js';
import { QueueRegistry } from '../runtime/queue.registry.js';
import { BOARD_INSTANCE, BOARD_OPTIONS } from './board.constants.js';

/** Puts every queue of the module on the board once processors are discovered, so none is forgotten by hand. */
@Injectable()
export class BoardQueues implements OnApplicationBootstrap {
  constructor(
    @Inject(BOARD_INSTANCE) private readonly board: ReturnType<typeof createBullBoard>,
    @Inject(BOARD_OPTIONS) private readonly options: JobsBoardOptions,
    private readonly queues: QueueRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const readOnlyMode = this.options.readOnly ?? false;
    const adapters = this.queues.names().map((name) => new BullMQAdapter(this.queues.get(name), { readOnlyMode }));
    this.board.replaceQueues(adapters);
    if (!this.options.auth && !this.options.middleware) {
      new Logger('JobsModule').warn('The jobs board has neither board.auth nor board.middleware, so it refuses every request (403).');
    }
  }
}
