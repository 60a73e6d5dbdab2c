import type { Observable, Subscription } from 'rxjs';
import { WebSocket, type RawData } from 'ws';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { CLOSE_CODES, GATEWAY_LIMITS } from './gateway.constants.js';
import { matches, parseRequest, type EventMatcher, type JobsGatewayMessage } from './gateway-protocol.js';

export interface ConnectionDeps {
  /** The lifecycle stream; subscribed while the socket has subscriptions, at most once. */
  events: () => Observable<JobEvent>;
  /** Resolves once every event from now on will be heard (the stream may read the queues' event streams first). */
  ready: () => Promise<unknown>;
  /** The event as the text frame to send (redacted, serialised once for every socket), or nothing if it cannot be sent. */
  frameOf: (event: JobEvent) => string | undefined;
}

/** One client socket: its subscriptions, the one bus subscription they share, and its answers. */
export class GatewayConnection {
  private readonly subscriptions = new Map<string, EventMatcher>();
  private stream?: Subscription;
  private nextId = 1;
  private alive = true;
  /** Answers go out in the order of the requests, though a subscription's waits until its events can be heard. */
  private answers: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: ConnectionDeps,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => (this.alive = true));
    // ws closes the socket itself after a protocol error (a frame too big, bad UTF-8); without a listener it would throw.
    socket.on('error', () => undefined);
    socket.once('close', () => this.stopStream());
  }

  /** Resolves once the socket is closed: after the client's close frame, or cut after `grace` ms. */
  close(code: number, reason: string, grace: number): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), grace);
      this.socket.once('close', () => (clearTimeout(timer), resolve()));
      this.socket.close(code, reason);
    });
  }

  /** Called every heartbeat interval: a socket that did not answer the previous ping is gone. */
  heartbeat(): void {
    if (!this.alive) return this.socket.terminate();
    this.alive = false;
    this.socket.ping();
  }

  private receive(data: RawData, isBinary: boolean): void {
    const answer = this.answer(data, isBinary);
    this.answers = this.answers.then(async () => this.send(await answer));
  }

  private answer(data: RawData, isBinary: boolean): JobsGatewayMessage | Promise<JobsGatewayMessage> {
    if (isBinary) return { error: { message: 'Send JSON text frames; binary frames are not read.' } };
    // A Buffer: the socket keeps ws's default binaryType.
    const request = parseRequest((data as Buffer).toString('utf8'));
    if ('error' in request) return request;
    return request.op === 'subscribe' ? this.subscribe(request.id, request.matcher) : this.unsubscribe(request.id);
  }

  private subscribe(id: string | undefined, matcher: EventMatcher): JobsGatewayMessage | Promise<JobsGatewayMessage> {
    if (id !== undefined && this.subscriptions.has(id)) {
      return { error: { message: `Subscription "${id}" exists on this socket; unsubscribe it first or choose another id.`, field: 'id' } };
    }
    if (this.subscriptions.size >= GATEWAY_LIMITS.maxSubscriptions) {
      return { error: { message: `A socket holds at most ${GATEWAY_LIMITS.maxSubscriptions} subscriptions; unsubscribe one first.` } };
    }
    while (id === undefined || this.subscriptions.has(id)) id = String(this.nextId++);
    this.subscriptions.set(id, matcher);
    this.stream ??= this.deps.events().subscribe((event) => this.deliver(event));
    const answer = { subscribed: id };
    return this.deps.ready().then(
      () => answer,
      () => answer,
    );
  }

  private unsubscribe(id: string | undefined): JobsGatewayMessage {
    if (id !== undefined && !this.subscriptions.has(id))
      return { error: { message: `No subscription "${id}" on this socket.`, field: 'id' } };
    const ended = id === undefined ? [...this.subscriptions.keys()] : [id];
    for (const key of ended) this.subscriptions.delete(key);
    if (!this.subscriptions.size) this.stopStream();
    return { unsubscribed: ended };
  }

  /** Sends an event once, whichever and however many subscriptions match it. */
  private deliver(event: JobEvent): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    for (const matcher of this.subscriptions.values()) {
      if (!matches(matcher, event)) continue;
      const frame = this.deps.frameOf(event);
      if (frame === undefined) return;
      // A client that stops reading would otherwise have every later event queued in this process's memory.
      if (this.socket.bufferedAmount > GATEWAY_LIMITS.maxBufferedBytes) {
        this.stopStream();
        return this.socket.close(CLOSE_CODES.tryAgainLater, 'Events were sent faster than this client read them');
      }
      return this.socket.send(frame);
    }
  }

  private send(message: JobsGatewayMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private stopStream(): void {
    this.stream?.unsubscribe();
    this.stream = undefined;
  }
}
