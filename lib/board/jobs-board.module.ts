import type { ServerResponse } from 'node:http';
import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import type * as BullBoardExpress from '@bull-board/express';
import type * as BullBoardFastify from '@bull-board/fastify';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { BoardMiddleware } from '../interfaces/jobs-admin.interface.js';
import { importOptional } from '../optional-import.js';
import { boardAccess } from './board-access.js';
import { JOBS_OPTIONS } from '../jobs.constants.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import { resolveBoardOptions, type ResolvedBoardOptions } from './board-options.js';
import { BoardServer } from './board-server.js';
import { BOARD_INSTANCE, BOARD_OPTIONS } from './board.constants.js';

/**
 * Mounts Bull Board at `board.route` (below the global prefix, unless excluded from it) behind its access check, with
 * the adapter of the host's platform: `@bull-board/express`'s router as Nest middleware, or `@bull-board/fastify`'s
 * plugin on the Fastify instance, loaded only then. Why not `@bull-board/nestjs`: README, "Bull Board".
 */
@Module({})
export class JobsBoardModule implements NestModule {
  constructor(
    private readonly config: ApplicationConfig,
    private readonly host: HttpAdapterHost,
    private readonly server: BoardServer,
    @Inject(BOARD_OPTIONS) private readonly options: ResolvedBoardOptions,
  ) {}

  /** `jobs`: the module's own, for the options its async factory gave (`extraSettings.board`). */
  static register(board: ResolvedBoardOptions, jobs: DynamicModule): DynamicModule {
    const { title, logo } = board;
    return {
      module: JobsBoardModule,
      imports: [jobs],
      providers: [
        {
          provide: BOARD_OPTIONS,
          // Credentials from the factory win over static ones; they are checked like them.
          useFactory: ({ extraSettings }: ResolvedJobsOptions) =>
            extraSettings.board?.auth ? resolveBoardOptions({ ...board, auth: extraSettings.board.auth }) : board,
          inject: [JOBS_OPTIONS],
        },
        { provide: BoardServer, useFactory: () => new BoardServer() },
        {
          provide: BOARD_INSTANCE,
          useFactory: (serverAdapter: BoardServer) =>
            createBullBoard({
              queues: [],
              serverAdapter,
              options: { uiConfig: { boardTitle: title, ...(logo ? { boardLogo: logo } : {}) } },
            }),
          inject: [BoardServer],
        },
      ],
      exports: [BOARD_INSTANCE, BOARD_OPTIONS],
    };
  }

  async configure(consumer: MiddlewareConsumer): Promise<void> {
    const { route } = this.options;
    const excluded = this.config.getGlobalPrefixOptions().exclude?.some((e) => e.pathRegex.test(route));
    const prefix = excluded ? '' : this.config.getGlobalPrefix().replace(/^\/*/, '/').replace(/\/+$/, '');
    const basePath = prefix === '/' ? route : prefix + route;
    const access = boardAccess(this.options);
    if (this.host.httpAdapter.getType() === 'fastify') return this.mountOnFastify(basePath, access);
    const { ExpressAdapter } = await importOptional<typeof BullBoardExpress>('@bull-board/express', 'board');
    const adapter = this.server.handTo(new ExpressAdapter()).setBasePath(basePath);
    consumer.apply(access, adapter.getRouter() as (...args: unknown[]) => void).forRoutes(route);
  }

  /** Fastify routes the board itself, in a plugin of its own whose every request passes the access check first. */
  private async mountOnFastify(basePath: string, access: BoardMiddleware): Promise<void> {
    const { FastifyAdapter } = await importOptional<typeof BullBoardFastify>('@bull-board/fastify', 'board');
    const adapter = this.server.handTo(new FastifyAdapter()).setBasePath(basePath);
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register(
      async (scope) => {
        scope.addHook('onRequest', accessHook(access));
        await scope.register(adapter.registerPlugin());
      },
      { prefix: basePath },
    );
  }
}

/** The Express-style access check as a Fastify hook: a response it ends stops the request (Fastify sees it sent). */
function accessHook(access: BoardMiddleware): onRequestHookHandler {
  return (request, reply, done) => {
    const res: ServerResponse = reply.raw;
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      res.off('finish', ended);
      done(err === undefined || err instanceof Error ? err : new Error(JSON.stringify(err)));
    };
    const ended = () => settle();
    res.once('finish', ended);
    access(request.raw, res, settle);
  };
}
