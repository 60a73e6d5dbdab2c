import type {
  AppControllerRoute,
  AppViewRoute,
  BullBoardQueues,
  ControllerHandlerReturnType,
  IServerAdapter,
  UIConfig,
} from '@bull-board/api/typings/app';

/**
 * Bull Board's server adapter while the host's platform is not known yet: Nest builds providers before the HTTP
 * adapter exists. It keeps what `createBullBoard` sets and hands it on to Express' or Fastify's adapter when mounted.
 */
export class BoardServer implements IServerAdapter {
  private readonly calls: Array<(adapter: IServerAdapter) => void> = [];

  setQueues(queues: BullBoardQueues): this {
    return this.keep((a) => a.setQueues(queues));
  }
  setViewsPath(path: string): this {
    return this.keep((a) => a.setViewsPath(path));
  }
  setStaticPath(route: string, path: string): this {
    return this.keep((a) => a.setStaticPath(route, path));
  }
  setEntryRoute(route: AppViewRoute): this {
    return this.keep((a) => a.setEntryRoute(route));
  }
  setErrorHandler(handler: (error: Error) => ControllerHandlerReturnType): this {
    return this.keep((a) => a.setErrorHandler(handler));
  }
  setApiRoutes(routes: AppControllerRoute[]): this {
    return this.keep((a) => a.setApiRoutes(routes));
  }
  setUIConfig(config: UIConfig): this {
    return this.keep((a) => a.setUIConfig(config));
  }

  /** Sets the platform's adapter up as the board set this one; the queues are the same map, so later changes show. */
  handTo<T extends IServerAdapter>(adapter: T): T {
    for (const call of this.calls) call(adapter);
    return adapter;
  }

  private keep(call: (adapter: IServerAdapter) => void): this {
    this.calls.push(call);
    return this;
  }
}
