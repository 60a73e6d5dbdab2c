import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { JobEventBus } from '../runtime/job-event.bus.js';
import { GatewayAccess, refuse, type Refusal } from './gateway-access.service.js';
import { GatewayConnection } from './gateway-connection.js';
import { CLOSE_CODES, GATEWAY_LIMITS, GATEWAY_OPTIONS, GATEWAY_REDACTION } from './gateway.constants.js';
import type { ResolvedGatewayOptions } from './jobs-gateway-options.interface.js';

const SHUTTING_DOWN: Refusal = { status: 503, body: { statusCode: 503, message: 'The server is shutting down.' } };
const NO_ENDPOINT: Refusal = { status: 404, body: { statusCode: 404, message: 'No WebSocket endpoint at this path.' } };
const ignore = () => undefined;

/** The path of a request URL without its query and trailing slashes. */
const pathOf = (url = '/') => '/' + url.split('?', 1)[0].replace(/^\/+|\/+$/g, '');

/**
 * Serves the gateway on the host's HTTP server: claims upgrade requests for its path only, so the host's own WebSocket
 * servers keep theirs; checks the guards before any handshake; closes every socket at shutdown so the server can close.
 */
@Injectable()
export class GatewayServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobsModule');
  private server?: Server;
  private readonly sockets = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: GATEWAY_LIMITS.maxMessageBytes });
  private readonly connections = new Set<GatewayConnection>();
  /** Each event redacted and serialised once, whichever sockets it goes to. */
  private readonly frames = new WeakMap<JobEvent, string | null>();
  private heartbeat?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly access: GatewayAccess,
    private readonly bus: JobEventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: ResolvedGatewayOptions,
    @Inject(GATEWAY_REDACTION) private readonly redact: (event: JobEvent) => JobEvent,
  ) {}

  onApplicationBootstrap(): void {
    // A standalone application context (a worker process sharing the module's configuration) has no HTTP server.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (typeof server?.on !== 'function') {
      this.logger.log(`No HTTP server in this application: the WebSocket gateway at ${this.options.path} is not served.`);
      return;
    }
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.connections.forEach((c) => c.heartbeat()), GATEWAY_LIMITS.heartbeatMs).unref();
  }

  /** Before the HTTP server closes (Nest closes it after this hook), which would otherwise wait on open sockets for ever. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    this.server?.off('upgrade', this.onUpgrade);
    await Promise.all(
      [...this.connections].map((c) => c.close(CLOSE_CODES.goingAway, 'The server is shutting down', GATEWAY_LIMITS.closeGraceMs)),
    );
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (pathOf(request.url) !== this.options.path) {
      // Node hands upgrade requests to the HTTP routes only while nobody listens for them; one nobody claims would hang.
      if (this.server!.listenerCount('upgrade') === 1) refuse(socket.on('error', ignore), NO_ENDPOINT);
      return;
    }
    this.accept(request, socket, head).catch((err: Error) => {
      this.logger.error(`The WebSocket gateway could not accept a connection: ${err.message}`, err.stack);
      socket.destroy();
    });
  };

  private async accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that leaves while the guards run must not crash the process with an unhandled socket error.
    socket.on('error', ignore);
    const refusal = this.closing ? SHUTTING_DOWN : await this.access.check(request);
    if (socket.destroyed) return;
    if (refusal || this.closing) return refuse(socket, refusal ?? SHUTTING_DOWN);
    socket.off('error', ignore);
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.connect(ws));
  }

  private connect(ws: WebSocket): void {
    if (this.closing) return void ws.close(CLOSE_CODES.goingAway, 'The server is shutting down');
    const connection = new GatewayConnection(ws, {
      events: () => this.bus.observe({ event: '*', scope: 'cluster' }),
      ready: () => this.bus.startCluster(),
      frameOf: (event) => this.frameOf(event),
    });
    this.connections.add(connection);
    ws.once('close', () => this.connections.delete(connection));
  }

  private frameOf(event: JobEvent): string | undefined {
    let frame = this.frames.get(event);
    if (frame === undefined) {
      try {
        frame = JSON.stringify({ event: this.redact(event) });
      } catch (err) {
        frame = null;
        this.logger.warn(`The WebSocket gateway cannot send the "${event.type}" event of job ${event.jobId}: ${(err as Error).message}`);
      }
      this.frames.set(event, frame);
    }
    return frame ?? undefined;
  }
}
