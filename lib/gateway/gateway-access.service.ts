import { ServerResponse, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ForbiddenException, HttpException, Inject, Injectable, Logger, type CanActivate, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GuardsConsumer } from '@nestjs/core/guards/guards-consumer.js';
import { GATEWAY_OPTIONS } from './gateway.constants.js';
import type { ResolvedGatewayOptions } from './jobs-gateway-options.interface.js';

/** Why an upgrade request is turned away: the HTTP status and the JSON body, as Nest would answer an HTTP route. */
export interface Refusal {
  status: number;
  body: unknown;
}

/**
 * Runs the gateway's guards on an upgrade request, in an ExecutionContext of type `http` whose request is that
 * `IncomingMessage`: a guard written for HTTP routes (reading `authorization` or a cookie) works unchanged. That is why
 * this is not a `@nestjs/websockets` gateway: those need the host to install a WebSocket adapter, and run guards in a
 * `ws` context, after the handshake, where the host's HTTP guards find no request headers.
 */
@Injectable()
export class GatewayAccess implements OnModuleInit {
  private readonly logger = new Logger('JobsModule');
  private readonly consumer = new GuardsConsumer();
  private guards: CanActivate[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(GATEWAY_OPTIONS) private readonly options: ResolvedGatewayOptions,
  ) {}

  /** Guard classes are providers of this module (see gatewayParts), built by Nest with the module's imports, as `@UseGuards` would. */
  onModuleInit(): void {
    this.guards = this.options.guards.map((guard) => (typeof guard === 'function' ? this.moduleRef.get(guard, { strict: true }) : guard));
  }

  /** Resolves with nothing when every guard lets the request through. Never rejects. */
  async check(request: IncomingMessage): Promise<Refusal | undefined> {
    // Detached from the socket: what a guard writes to it goes nowhere, but a guard that sets a header does not crash.
    const response = new ServerResponse(request);
    try {
      // getClass() and getHandler() are this class and method: a guard that reads route metadata finds none.
      // eslint-disable-next-line @typescript-eslint/unbound-method -- only a key for route metadata; never called
      const handler = this.check as (...args: unknown[]) => unknown;
      const allowed = await this.consumer.tryActivate(this.guards, [request, response, () => undefined], this, handler, 'http');
      return allowed ? undefined : refusalOf(new ForbiddenException('Forbidden resource'));
    } catch (err) {
      if (err instanceof HttpException) return refusalOf(err);
      this.logger.error(`A guard of the WebSocket gateway threw: ${(err as Error).message}`, (err as Error).stack);
      return { status: 500, body: { statusCode: 500, message: 'Internal server error' } };
    }
  }
}

function refusalOf(err: HttpException): Refusal {
  const status = err.getStatus() >= 400 ? err.getStatus() : 403;
  const response = err.getResponse();
  return { status, body: typeof response === 'string' ? { statusCode: status, message: response } : response };
}

/** Answers an upgrade request with a plain HTTP response, before any handshake, and closes its socket. */
export function refuse(socket: Duplex, { status, body }: Refusal): void {
  if (!socket.writable) return void socket.destroy();
  const text = JSON.stringify(body);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
