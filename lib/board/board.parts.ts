import type { DynamicModule } from '@nestjs/common';
import type { JobsBoardOptions } from '../interfaces/jobs-admin.interface.js';
import { resolveBoardOptions } from './board-options.js';
import { BoardQueues } from './board-queues.service.js';
import { JobsBoard } from './jobs-board.js';
import { JobsBoardModule } from './jobs-board.module.js';

/**
 * What `board` adds: Bull Board at `board.route` behind its access check, every queue of the module on it, and
 * `JobsBoard` for the host to add its own.
 */
export function boardParts(board: JobsBoardOptions, jobs: DynamicModule): Pick<DynamicModule, 'imports' | 'providers' | 'exports'> {
  return {
    imports: [JobsBoardModule.register(resolveBoardOptions(board), jobs)],
    providers: [BoardQueues, { provide: JobsBoard, useExisting: BoardQueues }],
    exports: [JobsBoard],
  };
}
