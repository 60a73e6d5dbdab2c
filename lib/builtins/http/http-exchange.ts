import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface OutgoingRequest {
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Transport {
  lookup: LookupFunction;
  agents: { http: http.Agent; https: https.Agent };
  signal: AbortSignal;
}

/** One request, without following redirects; resolves once the response's head has arrived. */
export function send(url: URL, request: OutgoingRequest, transport: Transport): Promise<IncomingMessage> {
  const secure = url.protocol === 'https:';
  const options = {
    method: request.method,
    headers: request.body ? { ...request.headers, 'content-length': String(request.body.length) } : request.headers,
    lookup: transport.lookup,
    agent: secure ? transport.agents.https : transport.agents.http,
    signal: transport.signal,
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, options, resolve);
    req.on('error', reject);
    req.end(request.body);
  });
}

/** The body up to `max` bytes; a longer one is cut there and its connection dropped rather than read to the end. */
export async function readBody(res: IncomingMessage, max: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size + chunk.length > max) {
      chunks.push(chunk.subarray(0, max - size));
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/** A URL as messages and results show it: without user name and password. */
export function shownUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
