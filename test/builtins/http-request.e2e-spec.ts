import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { JobPayloadValidationError, type HttpRequestResult } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';

/** A real HTTP server on loopback: counts calls per path and answers by path. */
class TestServer {
  readonly calls = new Map<string, number[]>();
  private server?: Server;
  private readonly held = new Set<ServerResponse>();
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(path: string): number {
    return this.calls.get(path)?.length ?? 0;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const url = new URL(req.url!, this.origin);
    const times = [...(this.calls.get(url.pathname) ?? []), Date.now()];
    this.calls.set(url.pathname, times);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const [, route] = url.pathname.split('/');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', 'x-internal': 'secret', ...headers }).end(JSON.stringify(body));
    switch (route) {
      case 'echo':
        return json(200, { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() }, { etag: '"v1"' });
      case 'flaky':
        return times.length < 3 ? json(503, { error: 'busy' }) : json(200, { ok: true });
      case 'missing':
        return json(404, { error: 'no such thing' });
      case 'limited':
        return times.length < 2
          ? json(429, { error: 'slow down' }, { 'retry-after': url.searchParams.get('after') ?? '1' })
          : json(200, { ok: true });
      case 'slow':
        this.held.add(res);
        return;
      case 'big':
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
      case 'redirect':
        return res.writeHead(302, { location: url.searchParams.get('to')! }).end();
      case 'loop':
        return res.writeHead(302, { location: `/loop/${Number(url.pathname.split('/')[2]) + 1}` }).end();
      default:
        return json(500, { error: 'unknown route' });
    }
  }
}

const server = new TestServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

describe('http.request', () => {
  let t: JobsTestApp;
  afterEach(() => t?.close());

  const start = (allowHosts?: string[]) =>
    createJobsApp([], {
      defaultJobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
      builtins: { http: { allowHosts, maxBodyBytes: 1024 } },
    }).then((app) => (t = app));

  async function run(data: object) {
    const { id } = await t.jobs.add('http.request', data);
    return t.events.waitFor(['completed', 'failed'], id);
  }

  /** The result of a request that must complete; a failed one fails the test with its error. */
  async function resultOf(data: object): Promise<HttpRequestResult> {
    const done = await run(data);
    if (done.type !== 'completed') throw new Error(`Expected http.request to complete, but it ${done.type}: ${done.error?.message}`);
    return done.result as HttpRequestResult;
  }

  it('sends method, headers and a JSON body, and keeps status, chosen headers and the parsed body', async () => {
    await start(['127.0.0.1']);
    const result = await resultOf({ method: 'PUT', url: `${server.origin}/echo`, headers: { 'X-Token': 'abc' }, body: { name: 'Ada' } });
    expect(result).toMatchObject({
      status: 200,
      url: `${server.origin}/echo`,
      truncated: false,
      headers: { 'content-type': 'application/json', etag: '"v1"' },
    });
    expect(result.headers).not.toHaveProperty('x-internal');
    expect(result.json).toMatchObject({
      method: 'PUT',
      headers: { 'x-token': 'abc', 'content-type': 'application/json' },
      body: '{"name":"Ada"}',
    });
  });

  it('sends a string body as text, and cuts a long response body at maxBodyBytes', async () => {
    await start(['127.0.0.1']);
    const echoed = await resultOf({ method: 'POST', url: `${server.origin}/echo`, body: 'plain words' });
    expect(echoed.json).toMatchObject({ body: 'plain words', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    const big = await resultOf({ url: `${server.origin}/big` });
    expect(big).toMatchObject({ status: 200, truncated: true });
    expect(big.body).toHaveLength(1024);
  });

  it('retries a 503 by the job policy until it succeeds', async () => {
    await start(['127.0.0.1']);
    const done = await run({ url: `${server.origin}/flaky` });
    expect(done).toMatchObject({ type: 'completed', attempt: 3 });
    expect(server.count('/flaky')).toBe(3);
  });

  it('fails a 404 at once, without retries', async () => {
    await start(['127.0.0.1']);
    const failed = await run({ url: `${server.origin}/missing` });
    expect(failed).toMatchObject({ type: 'failed', attempt: 1, error: { message: expect.stringContaining('answered 404') } });
    expect(server.count('/missing')).toBe(1);
  });

  it('retries a 429 after its Retry-After', async () => {
    await start(['127.0.0.1']);
    const { id } = await t.jobs.add('http.request', { url: `${server.origin}/limited` });
    expect((await t.events.waitFor('retrying', id)).retryDelay).toBe(1000);
    expect((await t.events.waitFor('completed', id)).attempt).toBe(2);
    const [first, second] = server.calls.get('/limited')!;
    expect(second - first).toBeGreaterThanOrEqual(1000);
  });

  it('retries by the backoff when Retry-After is longer than maxRetryAfter', async () => {
    await start(['127.0.0.1']);
    const { id } = await t.jobs.add('http.request', { url: `${server.origin}/limited/parked?after=99999999999` });
    expect((await t.events.waitFor('retrying', id)).retryDelay).toBe(10);
    expect((await t.events.waitFor('completed', id)).attempt).toBe(2);
  });

  it('fails a request that runs past its timeout', async () => {
    await start(['127.0.0.1']);
    const { id } = await t.jobs.add('http.request', { url: `${server.origin}/slow`, timeout: 200 }, { attempts: 1 });
    const failed = await t.events.waitFor('failed', id);
    expect(failed.error).toMatchObject({ name: 'HttpRequestError', message: expect.stringContaining('timed out after 200 ms') });
  });

  it('refuses loopback when allowHosts does not list it, by address and by name, without retries', async () => {
    await start();
    const before = server.count('/echo');
    for (const url of [
      `${server.origin}/echo`,
      server.origin.replace('127.0.0.1', 'localhost') + '/echo',
      server.origin.replace('127.0.0.1', '[::ffff:127.0.0.1]') + '/echo',
    ]) {
      const failed = await run({ url });
      expect(failed).toMatchObject({
        type: 'failed',
        attempt: 1,
        error: { name: 'DestinationRefusedError', message: expect.stringContaining('allowHosts') },
      });
    }
    expect(server.count('/echo')).toBe(before);
  });

  it('checks every redirect hop: a redirect to the metadata address is refused', async () => {
    await start(['127.0.0.1']);
    const failed = await run({ url: `${server.origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}` });
    expect(failed).toMatchObject({
      type: 'failed',
      attempt: 1,
      error: { name: 'DestinationRefusedError', message: expect.stringContaining('169.254.169.254') },
    });
  });

  it('follows redirects up to maxRedirects, then fails without retries', async () => {
    await start(['127.0.0.1']);
    const followed = await resultOf({ url: `${server.origin}/redirect?to=/echo` });
    expect(followed).toMatchObject({ status: 200, url: `${server.origin}/echo` });
    const failed = await run({ url: `${server.origin}/loop/0` });
    expect(failed).toMatchObject({ type: 'failed', attempt: 1, error: { message: expect.stringContaining('more than 5 times') } });
    expect([...server.calls.keys()].filter((path) => path.startsWith('/loop/'))).toHaveLength(6);
  });

  it('refuses a bad payload at enqueue, naming the field', async () => {
    await start(['127.0.0.1']);
    const refused = await t.jobs.add('http.request', { url: 'ftp://example.com/file', method: 'FETCH' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(JobPayloadValidationError);
    expect((refused as JobPayloadValidationError).errors.map((e) => e.field).sort()).toEqual(['method', 'url']);
  });

  it.each([
    [{ Host: 'admin.internal' }, 'must not set "Host"'],
    [{ 'Transfer-Encoding': 'chunked' }, 'must not set'],
    [{ 'content-length': '5' }, 'must not set'],
    [{ 'Proxy-Authorization': 'Basic eA==' }, 'must not set'],
    [{ 'x-a': 'a\r\nInjected: 1' }, 'CR, LF'],
    [{ 'x a': '1' }, 'not a valid header name'],
  ])('refuses headers %j at enqueue', async (headers, message) => {
    await start(['127.0.0.1']);
    const refused = await t.jobs.add('http.request', { url: `${server.origin}/echo`, headers }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(JobPayloadValidationError);
    const [error] = (refused as JobPayloadValidationError).errors;
    expect(error.field).toBe('headers');
    expect(Object.values(error.constraints).join()).toContain(message);
  });
});
