import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { JobProcessor, type BoardMiddleware, type JobHandler, type JobsBoardOptions } from '../../lib/index.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';

@JobProcessor('x.a', { queue: 'alpha' })
class AlphaJob implements JobHandler<unknown, string> {
  handle() {
    return 'a';
  }
}

@JobProcessor('x.b', { queue: 'beta' })
class BetaJob implements JobHandler<unknown, string> {
  handle() {
    return 'b';
  }
}

const PROCESSORS = [AlphaJob, BetaJob];
const CREDENTIALS = { username: 'ops', password: 's3cret' };
const basic = (username: string, password: string) => 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
const AUTHORIZED = { authorization: basic(CREDENTIALS.username, CREDENTIALS.password) };

/** The host's own check in front of the board: only requests a trusted proxy marked get through. */
const opsHeader: BoardMiddleware = (req, res, next) => {
  const { headers } = req as { headers: Record<string, string | string[] | undefined> };
  if (headers['x-ops'] === 'yes') return next();
  const response = res as { writeHead(status: number, headers: Record<string, string>): void; end(body: string): void };
  response.writeHead(403, { 'Content-Type': 'text/plain' });
  response.end('ops only');
};

interface BoardQueue {
  name: string;
  readOnlyMode: boolean;
  allowRetries: boolean;
  isPaused: boolean;
}

async function boardQueues(board: string, headers: Record<string, string>): Promise<BoardQueue[]> {
  const res = await fetch(`${board}/api/queues`, { headers });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { queues: BoardQueue[] };
  return [...body.queues].sort((a, b) => a.name.localeCompare(b.name));
}

describe('Bull Board', () => {
  let browser: Browser;
  const apps: HttpTestApp[] = [];
  const start = async (board: JobsBoardOptions, logger?: LoggerService) => {
    const app = await createHttpApp({ providers: PROCESSORS, globalPrefix: 'api/v1', extras: { board }, logger });
    apps.push(app);
    return { app, board: `${app.url}/admin/queues` };
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(apps.map((a) => a.close()));
  });

  describe('behind basic auth', () => {
    let board: string;
    beforeAll(async () => {
      ({ board } = await start({ enabled: true, auth: CREDENTIALS }));
    });

    it('answers 401 with a basic challenge to a request without credentials, in fetch and in Chromium', async () => {
      const res = await fetch(board);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await res.text()).toBe('Authentication required.');
      // Everything under the route is behind the check, the UI's static files and its API included.
      expect((await fetch(`${board}/static/favicon-32x32.png`)).status).toBe(401);
      expect((await fetch(`${board}/api/queues`)).status).toBe(401);
      expect((await fetch(`${board}/static/favicon-32x32.png`, { headers: AUTHORIZED })).status).toBe(200);

      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const answered = page.waitForResponse((r) => r.url() === board, { timeout: 20_000 });
        // Headless Chromium has no one to ask for credentials: it ends the navigation with ERR_INVALID_AUTH_CREDENTIALS
        // after the 401 arrived, so the status is read from the response event rather than from goto.
        const navigation = page.goto(board).then(
          (response) => response?.status(),
          (err: Error) => err.message,
        );
        expect((await answered).status()).toBe(401);
        const outcome = await navigation;
        if (typeof outcome === 'number') expect(outcome).toBe(401);
        else expect(outcome).toMatch(/ERR_INVALID_AUTH_CREDENTIALS/);
        expect(await page.getByText('alpha', { exact: true }).count()).toBe(0);
      } finally {
        await context.close();
      }
    });

    it('answers 401 to wrong credentials, for the page and for its API', async () => {
      for (const authorization of [basic('ops', 'wrong'), basic('root', 's3cret'), basic('', ''), 'Bearer s3cret']) {
        const page = await fetch(board, { headers: { authorization } });
        expect(page.status).toBe(401);
        const api = await fetch(`${board}/api/queues`, { headers: { authorization } });
        expect(api.status).toBe(401);
      }

      const context = await browser.newContext({ httpCredentials: { username: 'ops', password: 'wrong' } });
      try {
        const response = await (await context.newPage()).goto(board);
        expect(response?.status()).toBe(401);
      } finally {
        await context.close();
      }
    });

    it('renders the board with every queue of the module once the browser has the credentials', async () => {
      const context = await browser.newContext({ httpCredentials: CREDENTIALS });
      try {
        const page = await context.newPage();
        const response = await page.goto(board);
        expect(response?.status()).toBe(200);
        expect(await response?.text()).toContain('<div id="root"');
        // The UI is a client-side app: the queue names appear only once it has fetched /api/queues through the auth.
        for (const queue of ['alpha', 'beta', 'default']) {
          await page.getByText(queue, { exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
        }
        expect(await page.title()).toBe('Jobs');
        // Exactly the module's queues, put on the board at bootstrap without listing them by hand.
        expect((await boardQueues(board, AUTHORIZED)).map((q) => q.name)).toEqual(['alpha', 'beta', 'default']);
      } finally {
        await context.close();
      }
    });

    it('leaves the board writable by default: the API pauses a queue', async () => {
      const queues = await boardQueues(board, AUTHORIZED);
      expect(queues.map((q) => q.readOnlyMode)).toEqual([false, false, false]);
      expect(queues.every((q) => q.allowRetries)).toBe(true);
      const res = await fetch(`${board}/api/queues/beta/pause`, { method: 'PUT', headers: AUTHORIZED });
      expect(res.status).toBe(200);
      expect((await boardQueues(board, AUTHORIZED)).find((q) => q.name === 'beta')?.isPaused).toBe(true);
    });
  });

  it('refuses everyone with 403 when it has neither auth nor middleware', async () => {
    const warnings: string[] = [];
    const quiet = () => undefined;
    const { board } = await start(
      { enabled: true },
      { log: quiet, error: quiet, warn: (message: unknown) => void warnings.push(String(message)) },
    );
    expect(warnings.filter((w) => w.includes('board.auth nor board.middleware'))).toHaveLength(1);
    for (const headers of [{}, AUTHORIZED, { 'x-ops': 'yes' }] as Array<Record<string, string>>) {
      const page = await fetch(board, { headers });
      expect(page.status).toBe(403);
      expect(page.headers.get('www-authenticate')).toBeNull();
      expect((await fetch(`${board}/api/queues`, { headers })).status).toBe(403);
    }
    const context = await browser.newContext({ httpCredentials: CREDENTIALS });
    try {
      expect((await (await context.newPage()).goto(board))?.status()).toBe(403);
    } finally {
      await context.close();
    }
  });

  it("lets a request through the host's middleware only when the middleware says so", async () => {
    const { board } = await start({ enabled: true, middleware: opsHeader });
    const refused = await fetch(board);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('ops only');
    expect((await fetch(board, { headers: { 'x-ops': 'no' } })).status).toBe(403);
    // Basic credentials mean nothing to this board: the middleware replaces the built-in auth.
    expect((await fetch(board, { headers: AUTHORIZED })).status).toBe(403);

    const allowed = await fetch(board, { headers: { 'x-ops': 'yes' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await boardQueues(board, { 'x-ops': 'yes' })).map((q) => q.name)).toEqual(['alpha', 'beta', 'default']);

    const context = await browser.newContext({ extraHTTPHeaders: { 'x-ops': 'yes' } });
    try {
      const page = await context.newPage();
      expect((await page.goto(board))?.status()).toBe(200);
      await page.getByText('alpha', { exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
    } finally {
      await context.close();
    }
  });

  it('marks every queue read-only with readOnly, and its API then refuses to change them', async () => {
    const { board } = await start({ enabled: true, auth: CREDENTIALS, readOnly: true });
    const queues = await boardQueues(board, AUTHORIZED);
    expect(queues.map((q) => [q.name, q.readOnlyMode, q.allowRetries])).toEqual([
      ['alpha', true, false],
      ['beta', true, false],
      ['default', true, false],
    ]);
    const pause = await fetch(`${board}/api/queues/alpha/pause`, { method: 'PUT', headers: AUTHORIZED });
    expect(pause.status).toBe(405);
    expect((await boardQueues(board, AUTHORIZED)).find((q) => q.name === 'alpha')?.isPaused).toBe(false);
  });
});
