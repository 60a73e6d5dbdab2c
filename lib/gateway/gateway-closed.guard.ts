import { ForbiddenException, Inject, Injectable, Logger, type CanActivate, type OnModuleInit } from '@nestjs/common';
import { GATEWAY_OPTIONS } from './gateway.constants.js';
import type { ResolvedGatewayOptions } from './jobs-gateway-options.interface.js';

/** Stands in for the host's guards when it gave none: the gateway stays closed rather than open to anyone. */
@Injectable()
export class GatewayClosedGuard implements CanActivate, OnModuleInit {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: ResolvedGatewayOptions) {}

  onModuleInit(): void {
    new Logger('JobsModule').warn(
      `The WebSocket gateway at ${this.options.path} has no guards, so it refuses every connection (403); set gateway.guards (or admin.guards) to open it.`,
    );
  }

  canActivate(): boolean {
    throw new ForbiddenException('The jobs WebSocket gateway has no guards: set `gateway.guards` in JobsModule.forRoot to open it.');
  }
}
