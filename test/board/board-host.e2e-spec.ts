import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import type { Browser } from 'playwright-core';
import { JobProcessor, JobsBoard, JobsConfigurationError, JobsModule, type JobHandler, type JobsBoardOptions } from '../../lib/index.js';
import { launchChromium } from '../support/browser.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { deletePrefix, migrateQueues, queueConnection, rawQueue, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

@JobProcessor('hb.a', { queue: 'alpha' })
class AlphaJob implements JobHandler<unknown, string> {
  handle() {
    return 'a';
  }
}

@JobProcessor('hb.b', { queue: 'beta' })
class BetaJob implements JobHandler<unknown, string> {
  handle() {
    return 'b';
  }
}

const CREDENTIALS = { username: 'ops', password: 's3cret' };
const AUTHORIZED = { authorization: 'Basic ' + Buffer.from('ops:s3cret').toString('base64') };
const MODULE_QUEUES = ['alpha', 'beta', 'default'];
const root = new URL('../../', import.meta.url).pathname;

const REPORTS = Symbol('host reports queue');

/** A host provider that puts its own queue on the board before the module starts, as `@nestjs/bullmq` users would. */
@Injectable()
class HostBoardQueues implements OnModuleInit {
  constructor(
    private readonly board: JobsBoard,
    @Inject(REPORTS) private readonly reports: Queue,
  ) {}

  onModuleInit(): void {
    this.board.addQueue(this.reports, { displayName: 'Reports', readOnly: true });
  }
}

interface BoardQueue {
  name: string;
  displayName?: string;
  readOnlyMode: boolean;
  isPaused: boolean;
}

async function boardQueues(board: string, headers: Record<string, string> = AUTHORIZED): Promise<BoardQueue[]> {
  const res = await fetch(`${board}/api/queues`, { headers });
  // The body says what went wrong when it is not 200.
  expect([res.status, res.status === 200 ? '' : await res.text()]).toEqual([200, '']);
  const body = (await res.json()) as { queues: BoardQueue[] };
  return [...body.queues].sort((a, b) => a.name.localeCompare(b.name));
}

type Platform = 'express' | 'fastify';
type Access = 'auth' | 'closed' | 'middleware';

const ACCESS: Record<Access, JobsBoardOptions> = {
  auth: { auth: CREDENTIALS },
  closed: {},
  middleware: {
    middleware: (req, res, next) =>
      // An asynchronous check, as a session lookup would be.
      setImmediate(() => {
        if ((req as { headers: Record<string, unknown> }).headers['x-ops'] === 'yes') return next();
        const response = res as { writeHead(status: number): void; end(body: string): void };
        response.writeHead(403);
        response.end('ops only');
      }),
  },
};

interface RunningBoard {
  /** The board's URL. */
  board: string;
  prefix: string;
  close(): Promise<void>;
}

/** The board's options as test/board/fixtures/fastify-host.mjs sets them too. */
const hostBoard = (access: Access, mail: Queue): JobsBoardOptions => ({
  enabled: true,
  ...ACCESS[access],
  title: 'Acme jobs',
  logo: { path: 'static/favicon-32x32.png', width: 32, height: 32 },
  queues: [{ queue: mail, displayName: 'Host mail' }],
  queueOptions: { beta: { displayName: 'Beta work', readOnly: true } },
});

/** Express in this process, as the other suites; the same host app on Fastify in a Node process of its own. */
async function startBoard(platform: Platform, access: Access): Promise<RunningBoard & { app?: HttpTestApp }> {
  const prefix = uniquePrefix('board');
  await migrateQueues(prefix);
  if (platform === 'express') {
    const queues = [rawQueue('host-mail', prefix), rawQueue('host-reports', prefix)];
    const providers = [AlphaJob, BetaJob, { provide: REPORTS, useValue: queues[1].queue }, HostBoardQueues];
    const app = await createHttpApp({
      providers,
      globalPrefix: 'api/v1',
      options: { prefix },
      extras: { board: hostBoard(access, queues[0].queue) },
    });
    return {
      app,
      prefix,
      board: `${app.url}/admin/queues`,
      async close() {
        await app.close();
        await Promise.all(queues.map((q) => q.close()));
      },
    };
  }
  const child = spawn(process.execPath, ['test/board/fixtures/fastify-host.mjs'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)), PREFIX: prefix, BOARD_MODE: access },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const port = await waitUntil(
    () => /READY (\d+)/.exec(out)?.[1] ?? (child.exitCode !== null ? 'exited' : undefined),
    30_000,
    'the Fastify host',
  );
  if (port === 'exited') throw new Error(`The Fastify host exited: ${err}`);
  return {
    prefix,
    board: `http://127.0.0.1:${port}/api/v1/admin/queues`,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const exited = once(child, 'exit');
        // A host that does not shut down within 10 s is stopped, so a fault here cannot hang the suite.
        await waitUntil(() => child.exitCode !== null || child.signalCode !== null, 10_000, 'the Fastify host to exit').catch(() =>
          child.kill('SIGKILL'),
        );
        await exited;
      }
      await deletePrefix(prefix);
    },
  };
}

describe.each(['express', 'fastify'] as const)('Bull Board in a host app on %s', (platform) => {
  let browser: Browser;
  /** Each board is closed as soon as its tests are done: two Jest workers' apps share PostgreSQL's connections. */
  const withBoard = async (access: Access, test: (board: string) => Promise<void>) => {
    const started = await startBoard(platform, access);
    try {
      await test(started.board);
    } finally {
      await started.close();
    }
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe('with host queues, a title and a logo, behind basic auth', () => {
    let board: string;
    let started: RunningBoard | undefined;
    let mail: { queue: Queue; close(): Promise<void> };

    beforeAll(async () => {
      started = await startBoard(platform, 'auth');
      board = started.board;
      // The host's queue as the host holds it: a BullMQ queue of the same name on the same backend.
      mail = rawQueue('host-mail', started.prefix);
    }, 60_000);

    afterAll(async () => {
      await mail?.close();
      await started?.close();
    });

    it("renders every queue of the module and the host's, with the board's title and logo, in Chromium", async () => {
      const context = await browser.newContext({ httpCredentials: CREDENTIALS });
      try {
        const page = await context.newPage();
        const response = await page.goto(board);
        expect(response?.status()).toBe(200);
        for (const queue of ['alpha', 'Beta work', 'default', 'Host mail', 'Reports']) {
          await page.getByText(queue, { exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
        }
        expect(await page.title()).toBe('Acme jobs');
        const logo = page.locator('img[alt="Acme jobs"]');
        await logo.waitFor({ state: 'visible', timeout: 20_000 });
        expect(await logo.getAttribute('src')).toBe('static/favicon-32x32.png');
        // The logo is one of the board's own assets: it loads through the access check on either platform.
        await waitUntil(
          () => logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
          10_000,
          'the logo to load',
        );
      } finally {
        await context.close();
      }
    });

    it("answers its API and serves its assets, the host's queues kept across the module's start-up", async () => {
      const queues = await boardQueues(board);
      expect(queues.map((q) => [q.name, q.displayName ?? null, q.readOnlyMode])).toEqual([
        ['alpha', null, false],
        ['beta', 'Beta work', true],
        ['default', null, false],
        ['host-mail', 'Host mail', false],
        ['host-reports', 'Reports', true],
      ]);
      const asset = await fetch(`${board}/static/favicon-32x32.png`, { headers: AUTHORIZED });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe('image/png');
      const page = await fetch(`${board}/queue/host-mail`, { headers: AUTHORIZED });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"');
    });

    it("pauses a host queue through the board's API, and refuses to change a read-only one", async () => {
      const pause = await fetch(`${board}/api/queues/host-mail/pause`, { method: 'PUT', headers: AUTHORIZED });
      expect(pause.status).toBe(200);
      expect(await mail.queue.isPaused()).toBe(true);
      expect((await boardQueues(board)).find((q) => q.name === 'host-mail')?.isPaused).toBe(true);
      expect((await fetch(`${board}/api/queues/host-mail/resume`, { method: 'PUT', headers: AUTHORIZED })).status).toBe(200);
      expect(await mail.queue.isPaused()).toBe(false);

      for (const name of ['host-reports', 'beta']) {
        const refused = await fetch(`${board}/api/queues/${name}/pause`, { method: 'PUT', headers: AUTHORIZED });
        expect([name, refused.status]).toEqual([name, 405]);
      }
      expect((await boardQueues(board)).filter((q) => q.isPaused)).toEqual([]);
    });

    it('answers 401 to the page, its API and its assets without credentials', async () => {
      for (const path of ['', '/', '/api/queues', '/static/favicon-32x32.png', '/queue/alpha']) {
        const res = await fetch(`${board}${path}`);
        expect([path, res.status]).toEqual([path, 401]);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      }
      const pause = await fetch(`${board}/api/queues/host-mail/pause`, { method: 'PUT' });
      expect(pause.status).toBe(401);
      expect(await mail.queue.isPaused()).toBe(false);
    });
  });

  it('is closed (403) to everyone, in Chromium too, with neither auth nor middleware', () =>
    withBoard('closed', async (board) => {
      for (const headers of [{}, AUTHORIZED] as Array<Record<string, string>>) {
        for (const path of ['', '/api/queues', '/static/favicon-32x32.png']) {
          const res = await fetch(`${board}${path}`, { headers });
          expect([path, res.status]).toEqual([path, 403]);
          expect(await res.text()).toBe('The jobs board has no access configured: set board.auth or board.middleware.');
        }
      }
      expect((await fetch(`${board}/api/queues/host-mail/pause`, { method: 'PUT', headers: AUTHORIZED })).status).toBe(403);
      const context = await browser.newContext({ httpCredentials: CREDENTIALS });
      try {
        expect((await (await context.newPage()).goto(board))?.status()).toBe(403);
      } finally {
        await context.close();
      }
    }));

  it("lets requests through the host's asynchronous middleware, on the page and the API alike", () =>
    withBoard('middleware', async (board) => {
      const refused = await fetch(`${board}/api/queues`);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toBe('ops only');
      expect((await fetch(`${board}/static/favicon-32x32.png`)).status).toBe(403);
      expect((await boardQueues(board, { 'x-ops': 'yes' })).map((q) => q.name)).toEqual([...MODULE_QUEUES, 'host-mail', 'host-reports']);
      const page = await fetch(board, { headers: { 'x-ops': 'yes' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    }));
});

describe('JobsBoard', () => {
  let running: RunningBoard & { app?: HttpTestApp };
  const closers: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    running = await startBoard('express', 'auth');
  });

  afterAll(async () => {
    await Promise.all(closers.map((c) => c.close()));
    await running?.close();
  });

  it('takes host queues added and removed at run time, and refuses a second queue of a name already shown', async () => {
    const jobsBoard = running.app!.app.get(JobsBoard);
    const queue = (name: string) => {
      const raw = rawQueue(name, running.prefix);
      closers.push(raw);
      return raw.queue;
    };
    expect(jobsBoard.queueNames().sort()).toEqual([...MODULE_QUEUES, 'host-mail', 'host-reports']);
    jobsBoard.addQueue(queue('host-late'), { displayName: 'Late' });
    expect((await boardQueues(running.board)).find((q) => q.name === 'host-late')?.displayName).toBe('Late');
    expect(() => jobsBoard.addQueue(queue('alpha'))).toThrow('JobsBoard.addQueue: a queue named "alpha" is already on the board.');
    expect(jobsBoard.removeQueue('host-late')).toBe(true);
    expect(jobsBoard.removeQueue('alpha')).toBe(false);
    expect((await boardQueues(running.board)).map((q) => q.name)).toEqual([...MODULE_QUEUES, 'host-mail', 'host-reports']);
  });
});

describe('board options', () => {
  const refusal = async (board: JobsBoardOptions) => {
    const app = await createHttpApp({ providers: [AlphaJob], extras: { board } }).catch((err: Error) => err);
    if (!(app instanceof Error)) await app.close();
    return app;
  };

  it('refuses bad input at start-up, naming the option', async () => {
    const queue = rawQueue('host-x', uniquePrefix('host'));
    try {
      const cases: Array<[JobsBoardOptions, string]> = [
        [{ title: '' }, 'JobsModule option "board.title" must be a non-empty string; got "".'],
        [{ logo: { path: '' } }, 'JobsModule option "board.logo" must be an object such as'],
        [
          { queues: [{}] as never },
          'JobsModule option "board.queues[0]" must be a BullMQ Queue, or { queue: Queue, displayName?, readOnly? }',
        ],
        [{ queues: [queue.queue, 'x'] as never }, 'JobsModule option "board.queues[1]" must be a BullMQ Queue'],
        [
          { queues: [queue.queue, { queue: queue.queue }] },
          'JobsModule option "board.queues" must be queues of different names; got two named "host-x".',
        ],
        [
          { queues: [{ queue: queue.queue, displayName: 7 as never }] },
          'JobsModule option "board.queues[0].displayName" must be a non-empty string; got 7.',
        ],
        [
          { queueOptions: { alpha: { readOnly: 'yes' as never } } },
          'JobsModule option "board.queueOptions.alpha.readOnly" must be true or false; got "yes".',
        ],
        [
          { queueOptions: { alpha: { color: 'red' } as never } },
          'JobsModule option "board.queueOptions.alpha" must be an object with only displayName and readOnly',
        ],
        [
          { auth: { username: 'ops', password: '' } },
          'JobsModule option "board.auth" must be an object with a non-empty username and password',
        ],
        [{ route: 'a b' }, 'JobsModule option "board.route" must be a URL path'],
      ];
      for (const [board, message] of cases) {
        const err = await refusal({ enabled: true, ...board });
        expect(err).toBeInstanceOf(JobsConfigurationError);
        expect((err as Error).message).toContain(message);
      }
    } finally {
      await queue.close();
    }
  });

  it("refuses at start-up queueOptions of a queue the module does not have, and a host queue named as one of the module's", async () => {
    const hostPrefix = uniquePrefix('host');
    const clash = rawQueue('alpha', hostPrefix);
    try {
      for (const [board, message] of [
        [
          { queueOptions: { alpah: { readOnly: true } } },
          'JobsModule option "board.queueOptions" must be keyed by queues of the module (alpha, default); got ["alpah"].',
        ],
        [
          { queues: [clash.queue] },
          'JobsModule option "board.queues" must be queues whose names differ from the module’s; got a queue named "alpha".',
        ],
      ] as Array<[JobsBoardOptions, string]>) {
        const prefix = uniquePrefix('board');
        const moduleRef = await Test.createTestingModule({
          imports: [
            JobsModule.forRoot({ connection: queueConnection(prefix), prefix, board: { enabled: true, auth: CREDENTIALS, ...board } }),
          ],
          providers: [AlphaJob],
        }).compile();
        const app = moduleRef.createNestApplication({ logger: false });
        try {
          const err = await app.init().catch((e: Error) => e);
          expect(err).toBeInstanceOf(JobsConfigurationError);
          expect((err as Error).message).toBe(message);
        } finally {
          await app.close();
          await deletePrefix(prefix);
        }
      }
    } finally {
      await clash.close();
      await deletePrefix(hostPrefix);
    }
  });
});
