import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Inject, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { JobsError, RetryJobError, UnrecoverableJobError } from '../../jobs.errors.js';
import type { JobContext } from '../../interfaces/job-context.interface.js';
import type { JobHandler } from '../../interfaces/job-handler.interface.js';
import { HTTP_OPTIONS } from '../builtins.constants.js';
import { DestinationRefusedError, HttpRequestError } from '../builtins.errors.js';
import { guardedLookup } from './guarded-lookup.js';
import { readBody, send, shownUrl, type OutgoingRequest, type Transport } from './http-exchange.js';
import type { ResolvedHttpOptions } from './http.options.js';
import { REDIRECT_STATUSES, nextHop } from './http-redirect.js';
import type { HttpRequestPayload, HttpRequestResult } from './http-request.payload.js';
import { parseRetryAfter } from './retry-after.js';

const expected = (status: number, expect: number | number[] | undefined) =>
  expect === undefined ? status >= 200 && status < 300 : Array.isArray(expect) ? expect.includes(status) : status === expect;

function firstRequest(data: HttpRequestPayload): OutgoingRequest {
  const headers = Object.fromEntries(Object.entries(data.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  if (data.body === undefined || data.body === null) return { method: data.method ?? 'GET', headers };
  const text = typeof data.body === 'string';
  headers['content-type'] ??= text ? 'text/plain; charset=utf-8' : 'application/json';
  return { method: data.method ?? 'POST', headers, body: Buffer.from(text ? (data.body as string) : JSON.stringify(data.body)) };
}

/** Kept-alive sockets are few and close after 15 s idle (the Agent destroys a free socket when its timeout fires). */
const AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 4, timeout: 15_000 };

/** The payload's URL; one that is not an http(s) URL can only come from a payload that skipped validation, and never works. */
function targetUrl(data: HttpRequestPayload): URL {
  let url: URL | undefined;
  try {
    url = new URL(data.url);
  } catch {
    // Reported below.
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new UnrecoverableJobError(`http.request url must be an http or https URL; got ${JSON.stringify(data.url)}.`);
  return url;
}

/**
 * `http.request`: one HTTP call with redirects followed by hand, so every hop's destination is checked after DNS.
 * Network errors, timeouts and 5xx are retried by the job's policy; 408 and 429 wait for `Retry-After`; other statuses fail at once.
 */
export class HttpRequestJob implements JobHandler<HttpRequestPayload, HttpRequestResult>, OnApplicationShutdown {
  private readonly agents = { http: new http.Agent(AGENT_OPTIONS), https: new https.Agent(AGENT_OPTIONS) };

  private readonly lookup: LookupFunction;

  constructor(@Inject(HTTP_OPTIONS) private readonly options: ResolvedHttpOptions) {
    this.lookup = guardedLookup(options.policy);
  }

  async handle(data: HttpRequestPayload, ctx: JobContext): Promise<HttpRequestResult> {
    const timeout = data.timeout ?? this.options.requestTimeout;
    const deadline = AbortSignal.timeout(timeout);
    const transport: Transport = { lookup: this.lookup, agents: this.agents, signal: AbortSignal.any([ctx.signal, deadline]) };
    let url = targetUrl(data);
    let request = firstRequest(data);
    try {
      for (let redirects = 0; ; redirects++) {
        const refused = this.options.policy.refuseName(url.hostname);
        if (refused) throw new DestinationRefusedError(refused);
        const res = await send(url, request, transport);
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (!REDIRECT_STATUSES.has(status) || !location || expected(status, data.expectStatus))
          return await this.outcome(url, request, res, data);
        res.destroy();
        if (redirects >= this.options.maxRedirects) {
          throw new UnrecoverableJobError(
            `${request.method} ${shownUrl(url)} redirected more than ${this.options.maxRedirects} times (builtins.http.maxRedirects).`,
          );
        }
        ({ url, request } = nextHop(url, request, status, location));
      }
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (err instanceof UnrecoverableError || err instanceof JobsError) throw err;
      const what = `${request.method} ${shownUrl(url)}`;
      if (deadline.aborted) throw new HttpRequestError(`${what} timed out after ${timeout} ms.`);
      throw new HttpRequestError(`${what} failed: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async outcome(url: URL, request: OutgoingRequest, res: IncomingMessage, data: HttpRequestPayload): Promise<HttpRequestResult> {
    const status = res.statusCode ?? 0;
    const { body, truncated } = await readBody(res, this.options.maxBodyBytes);
    const text = body.toString('utf8');
    if (!expected(status, data.expectStatus))
      throw statusError(
        `${request.method} ${shownUrl(url)} answered ${status}`,
        status,
        res,
        text,
        data.expectStatus,
        this.options.maxRetryAfter,
      );
    const headers: Record<string, string> = {};
    for (const name of this.options.responseHeaders) {
      const value = res.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const result: HttpRequestResult = { status, url: shownUrl(url), headers, body: text, truncated };
    if (!truncated && text && /[/+]json\b/i.test(res.headers['content-type'] ?? '')) {
      try {
        result.json = JSON.parse(text);
      } catch {
        // A body that claims JSON but is not stays text only.
      }
    }
    return result;
  }
}

function statusError(
  what: string,
  status: number,
  res: IncomingMessage,
  text: string,
  expect: number | number[] | undefined,
  maxRetryAfter: number,
): Error {
  const detail = text ? `: ${text.slice(0, 200)}` : '';
  if (status === 408 || status === 429) {
    const wait = parseRetryAfter(res.headers['retry-after'], maxRetryAfter);
    if (wait !== undefined) return new RetryJobError(`${what}; retrying after ${wait} ms (Retry-After)${detail}`, wait);
    return new HttpRequestError(`${what}${detail}`, status);
  }
  if (status >= 500) return new HttpRequestError(`${what}${detail}`, status);
  const wanted = expect === undefined ? '2xx' : [expect].flat().join(', ');
  return new UnrecoverableJobError(`${what}, expected ${wanted}; not retried${detail}`);
}
