import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { JobsBoardOptions } from '../interfaces/jobs-admin.interface.js';
import { boardAccess } from './board-access.js';
import { BOARD_INSTANCE, BOARD_OPTIONS } from './board.constants.js';

/**
 * Mounts Bull Board's Express router at `board.route` (below the global prefix, unless excluded from it) behind its
 * access check. `@bull-board/nestjs` does the same, but it is CommonJS that `require()`s ESM-only `@nestjs/common`:
 * it loads in Node, yet breaks the host's Jest suites on import, so the module wires `@bull-board/express` itself.
 */
@Module({})
export class JobsBoardModule implements NestModule {
  constructor(
    private readonly config: ApplicationConfig,
    private readonly adapter: ExpressAdapter,
    @Inject(BOARD_OPTIONS) private readonly options: JobsBoardOptions & { route: string },
  ) {}

  static register(board: JobsBoardOptions): DynamicModule {
    const route = '/' + (board.route ?? '/admin/queues').replace(/^\/+|\/+$/g, '');
    return {
      module: JobsBoardModule,
      providers: [
        { provide: BOARD_OPTIONS, useValue: { ...board, route } },
        { provide: ExpressAdapter, useFactory: () => new ExpressAdapter() },
        {
          provide: BOARD_INSTANCE,
          useFactory: (serverAdapter: ExpressAdapter) =>
            createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: 'Jobs' } } }),
          inject: [ExpressAdapter],
        },
      ],
      exports: [BOARD_INSTANCE, BOARD_OPTIONS],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    const { route } = this.options;
    const excluded = this.config.getGlobalPrefixOptions().exclude?.some((e) => e.pathRegex.test(route));
    const prefix = excluded ? '' : this.config.getGlobalPrefix().replace(/^\/*/, '/').replace(/\/+$/, '');
    this.adapter.setBasePath(prefix === '/' ? route : prefix + route);
    consumer.apply(boardAccess(this.options), this.adapter.getRouter() as (...args: unknown[]) => void).forRoutes(route);
  }
}
