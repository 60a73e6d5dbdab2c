import type { CanActivate, DynamicModule, Provider, Type } from '@nestjs/common';
import { JobsConfigurationError } from '../jobs.errors.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { redactEvent, redactionKeys } from '../history/redaction.js';
import { GatewayAccess } from './gateway-access.service.js';
import { GatewayClosedGuard } from './gateway-closed.guard.js';
import { GatewayServer } from './gateway.server.js';
import { DEFAULT_GATEWAY_PATH, GATEWAY_OPTIONS, GATEWAY_REDACTION } from './gateway.constants.js';
import type { JobsGatewayOptions, ResolvedGatewayOptions } from './jobs-gateway-options.interface.js';

type Guard = Type<CanActivate> | CanActivate;

function pathOf(path: unknown): string {
  if (typeof path !== 'string' || !/^\/?[^?#\s]*$/.test(path)) {
    throw new JobsConfigurationError(
      `JobsModule option "gateway.path" must be a URL path such as "${DEFAULT_GATEWAY_PATH}"; got ${JSON.stringify(path)}.`,
    );
  }
  return '/' + path.replace(/^\/+|\/+$/g, '');
}

/**
 * What `gateway` adds: the server on the host's HTTP server and its guards, as providers built with the module's
 * imports. Without guards of its own it takes the admin API's (`adminGuards`, when admin is on): the admin `events`
 * route already streams these events to whoever those guards admit.
 */
export function gatewayParts(
  gateway: JobsGatewayOptions,
  redactKeys: string[],
  adminGuards?: Guard[],
): Pick<DynamicModule, 'imports' | 'providers'> {
  const given = gateway.guards ?? adminGuards ?? [];
  const options: ResolvedGatewayOptions = {
    path: pathOf(gateway.path ?? DEFAULT_GATEWAY_PATH),
    guards: given.length ? given : [GatewayClosedGuard],
  };
  const keys = redactionKeys(redactKeys);
  const providers: Provider[] = [
    { provide: GATEWAY_OPTIONS, useValue: options },
    { provide: GATEWAY_REDACTION, useValue: (event: JobEvent) => redactEvent(event, keys) },
    ...new Set(options.guards.filter((guard): guard is Type<CanActivate> => typeof guard === 'function')),
    GatewayAccess,
    GatewayServer,
  ];
  return { imports: gateway.imports ?? [], providers };
}
