import type { DynamicModule } from '@nestjs/common';
import type { JobsBoardOptions } from '../interfaces/jobs-admin.interface.js';
import { BoardQueues } from './board-queues.service.js';
import { JobsBoardModule } from './jobs-board.module.js';

/** What `board` adds: Bull Board at `board.route` behind its access check, and every queue of the module on it. */
export function boardParts(board: JobsBoardOptions): Pick<DynamicModule, 'imports' | 'providers'> {
  return { imports: [JobsBoardModule.register(board)], providers: [BoardQueues] };
}
