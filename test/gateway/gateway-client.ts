import { WebSocket } from 'ws';
import type { JobEvent, JobsGatewayMessage } from '../../lib/index.js';

/** The `ws://` URL of a path on a test app's HTTP server. */
export const wsUrl = (httpUrl: string, path: string) => httpUrl.replace(/^http/, 'ws').replace(/(\/\/[^/]+).*$/, `$1${path}`);

/** How the server turned a handshake away. */
export interface Refused {
  status: number;
  body: { statusCode?: number; message?: string };
}

/** A real `ws` client that records what the server sends and waits on it with deadlines, never with sleeps. */
export class GatewayClient {
  readonly messages: JobsGatewayMessage[] = [];
  /** Resolves with the close code and reason once the socket is closed, whoever closed it. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse((data as Buffer).toString()) as JobsGatewayMessage);
      this.waiters.forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** Opens a socket, or rejects with the refusal if the handshake is answered with an HTTP status. */
  static open(url: string, headers: Record<string, string> = {}): Promise<GatewayClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new GatewayClient(socket)));
      socket.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          reject(
            Object.assign(new Error(`handshake refused: ${res.statusCode}`), {
              refused: { status: res.statusCode!, body: text ? JSON.parse(text) : {} },
            }),
          ),
        );
      });
      socket.once('error', reject);
    });
  }

  /** The refusal of a handshake that must fail. */
  static async refused(url: string, headers: Record<string, string> = {}): Promise<Refused> {
    const client = await GatewayClient.open(url, headers).then(
      (c) => c,
      (err: { refused?: Refused }) => err,
    );
    if (client instanceof GatewayClient) {
      client.socket.terminate();
      throw new Error(`The handshake to ${url} was accepted`);
    }
    if (!client.refused) throw client as Error;
    return client.refused;
  }

  /** A request, any other JSON value, raw text or a binary frame (a Buffer). */
  send(request: unknown): void {
    this.socket.send(typeof request === 'string' || Buffer.isBuffer(request) ? request : JSON.stringify(request));
  }

  /** Sends a request and resolves with its answer: the first message after it that is not an event. */
  async request(request: Parameters<GatewayClient['send']>[0], timeout = 5_000): Promise<Exclude<JobsGatewayMessage, { event: JobEvent }>> {
    const from = this.messages.length;
    this.send(request);
    return (await this.waitFor((m, i) => i >= from && !('event' in m), timeout, 'an answer')) as Exclude<
      JobsGatewayMessage,
      { event: JobEvent }
    >;
  }

  /** Every event received so far. */
  events(): JobEvent[] {
    return this.messages.flatMap((m) => ('event' in m ? [m.event] : []));
  }

  /** Resolves with the first message (seen or still to come) that matches, or rejects at the deadline. */
  waitFor(match: (m: JobsGatewayMessage, index: number) => boolean, timeout = 10_000, what = 'a message'): Promise<JobsGatewayMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.messages.findIndex(match);
        if (index < 0) return false;
        done();
        resolve(this.messages[index]);
        return true;
      };
      const timer = setTimeout(
        () => (done(), reject(new Error(`No ${what} within ${timeout} ms; got ${JSON.stringify(this.messages)}`))),
        timeout,
      );
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== wake);
      };
      const wake = () => void check();
      if (!check()) this.waiters.push(wake);
    });
  }

  /** Resolves with the event of this type for this job. */
  async event(type: JobEvent['type'], jobId: string, timeout?: number): Promise<JobEvent> {
    const message = await this.waitFor(
      (m) => 'event' in m && m.event.type === type && m.event.jobId === jobId,
      timeout,
      `"${type}" event of job ${jobId}`,
    );
    return (message as { event: JobEvent }).event;
  }

  close(): void {
    this.socket.terminate();
  }
}
