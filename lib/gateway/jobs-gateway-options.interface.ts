import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';

/** `JobsModule.forRoot({ gateway })`: live job events over WebSocket, on the host's own HTTP server. */
export interface JobsGatewayOptions {
  enabled?: boolean;
  /** URL path on the host's HTTP server; the global prefix does not apply. Default `/jobs/ws`. */
  path?: string;
  /**
   * Run on every upgrade request as on an HTTP route: `context.switchToHttp().getRequest()` is the upgrade request. Absent:
   * `admin.guards` when the admin API is on. Without either, every connection is refused (403). A guard class is built in
   * this module, so its dependencies come from global modules or `imports`.
   */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** Modules whose providers the guards inject. */
  imports?: ModuleMetadata['imports'];
}

/** The options after defaults: a normalised path and the guards that actually run. */
export interface ResolvedGatewayOptions {
  path: string;
  guards: Array<Type<CanActivate> | CanActivate>;
}
