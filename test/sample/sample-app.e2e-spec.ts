import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../support/browser.js';
import { PG_URL, REDIS_URL, deletePrefix, onPostgres, postgresAdmin, schemaOf, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

const root = new URL('../../', import.meta.url).pathname;
const ADMIN_TOKEN = 'test-admin-token';
const BOARD_USER = 'ops';
const BOARD_PASSWORD = 'board-secret';

interface Sample {
  child: ChildProcess;
  url: string;
  output(): string;
}

/** The sample as `npm start` runs it: a real process, with only the environment given here. */
function spawnSample(env: Record<string, string>, { detached = false } = {}): Omit<Sample, 'url'> {
  const { REDIS_URL: _r, DATABASE_URL: _d, JOBS_BACKEND: _b, ...inherited } = process.env;
  const child = spawn(process.execPath, ['dist-sample/main.js'], {
    cwd: root,
    // A process group of its own, as a terminal gives it, so a test can press Ctrl+C.
    detached,
    env: { ...inherited, NODE_OPTIONS: '', PORT: '0', NO_COLOR: '1', ADMIN_TOKEN, BOARD_USER, BOARD_PASSWORD, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** The sample serving real HTTP. */
async function startSample(env: Record<string, string>, options: { detached?: boolean } = {}): Promise<Sample> {
  const { child, output } = spawnSample(env, options);
  const url = await waitUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`The sample exited: ${output()}`);
      return /Sample listening on (http:\/\/\S+)/.exec(output())?.[1];
    },
    30_000,
    'the sample to listen',
  );
  return { child, url, output };
}

/** `group`: the signal goes to the sample's whole process group, as Ctrl+C in a terminal sends it. */
async function stopSample(
  sample: Sample,
  signal: NodeJS.Signals = 'SIGTERM',
  { group = false } = {},
): Promise<[number | null, NodeJS.Signals | null]> {
  if (sample.child.exitCode !== null || sample.child.signalCode !== null) return [sample.child.exitCode, sample.child.signalCode];
  const exited = once(sample.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  if (group) process.kill(-sample.child.pid!, signal);
  else sample.child.kill(signal);
  return exited;
}

const api = (sample: Sample) => {
  const admin = (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) =>
    fetch(`${sample.url}/api/v1/jobs${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async <T = any>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
  const recorded = (jobId: string) =>
    waitUntil(
      async () => (await json(admin('GET', `/executions?jobId=${jobId}&status=completed`))).items[0],
      10_000,
      'the run in the history',
    );
  const orderReport = async (report = { kind: 'sales', pages: 2 }) => {
    const response = await fetch(`${sample.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(response.status).toBe(201);
    return (await json<{ id: string }>(response)).id;
  };
  return { admin, json, recorded, orderReport };
};

/** On the suites' backend: Redis with history in SQLite, or (JOBS_BACKEND=postgres) queues and history in one database. */
describe('the sample application', () => {
  const prefix = uniquePrefix('sample');
  const historyDb = join(tmpdir(), `${prefix}.sqlite`);
  const database = `sample_${schemaOf(prefix)}`;
  let sample: Sample;
  let child: ChildProcess;
  let url: string;
  let output: () => string;

  beforeAll(async () => {
    if (onPostgres) await postgresAdmin(`CREATE DATABASE "${database}"`);
    const databaseUrl = Object.assign(new URL(PG_URL), { pathname: `/${database}` }).toString();
    sample = await startSample(
      onPostgres
        ? { JOBS_BACKEND: 'postgres', DATABASE_URL: databaseUrl, JOBS_PREFIX: prefix }
        : { REDIS_URL, JOBS_PREFIX: prefix, HISTORY_DB: historyDb },
    );
    ({ child, url, output } = sample);
    expect(output()).toContain(onPostgres ? `Queues on PostgreSQL 127.0.0.1:5432/${database} (schema sample_jobs)` : 'Queues on Redis');
  });

  afterAll(async () => {
    if (sample && child.exitCode === null) child.kill('SIGKILL');
    await deletePrefix(prefix);
    rmSync(historyDb, { force: true });
    if (onPostgres) await postgresAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  const admin = (...args: Parameters<ReturnType<typeof api>['admin']>) => api(sample).admin(...args);
  const json = <T = any>(response: Response | Promise<Response>) => api(sample).json<T>(response);
  const recorded = (jobId: string) => api(sample).recorded(jobId);

  it('runs a job ordered through a route of its own to completion, with its progress and history', async () => {
    const id = await api(sample).orderReport();
    const job = await waitUntil(
      async () => {
        const info = await json<{ state: string }>(admin('GET', `/runs/${id}`));
        return info.state === 'completed' && info;
      },
      10_000,
      'the report to complete',
    );
    expect(job).toMatchObject({ progress: 100, result: { kind: 'sales', pages: 2 } });
    expect(await recorded(id)).toMatchObject({ status: 'completed', name: 'report.generate', attempt: 1 });
  });

  it("shows a report's progress live in a browser, through JobService.watch", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // The report waits in its paused queue until the page follows it, so the page sees it run from the start.
      expect((await admin('POST', '/queues/reports/pause')).status).toBe(204);
      const id = await api(sample).orderReport({ kind: 'stock', pages: 8 });
      await page.goto(`${url}/api/v1/reports/${id}`);
      // Page scripts, as strings: this suite has no DOM types.
      const stateIs = (state: string) => `document.getElementById('state').textContent === '${state}'`;
      await page.waitForFunction(`document.body.dataset.live === 'yes'`, undefined, { timeout: 10_000 });
      expect((await admin('POST', '/queues/reports/resume')).status).toBe(204);
      // The bar moves while the report renders (8 pages of 100 ms), then the page shows the outcome.
      await page.waitForFunction(stateIs('completed'), undefined, { timeout: 10_000 });
      expect(await page.getAttribute('body', 'data-seen')).toMatch(/^(running )+completed$/);
      expect(await page.textContent('#percent')).toBe('100%');
      expect(JSON.parse((await page.textContent('#result'))!)).toEqual({ kind: 'stock', pages: 8 });
      // A finished report, opened later, shows its outcome at once.
      await page.goto(`${url}/api/v1/reports/${id}`);
      await page.waitForFunction(stateIs('completed'), undefined, { timeout: 5_000 });
      await page.goto(`${url}/api/v1/reports/no-such-report`);
      await page.waitForFunction(`!(${stateIs('waiting')})`, undefined, { timeout: 5_000 });
      expect(await page.textContent('#state')).toBe('unknown report');
      expect((await fetch(`${url}/api/v1/reports/no-such-report/events`)).status).toBe(404);
    } finally {
      await browser.close();
    }
  });

  it('creates a job definition through the admin API and runs it on request', async () => {
    const created = await admin('POST', '/definitions', {
      name: 'monthly-sales',
      handler: 'report.generate',
      data: { kind: 'sales', pages: 1 },
    });
    expect(created.status).toBe(201);
    const { id } = await json<{ id: string }>(created);
    const run = await json<{ id: string }>(admin('POST', `/definitions/${id}/execute`));
    expect(await recorded(run.id)).toMatchObject({ definitionId: id });
    expect((await admin('POST', '/definitions/nope/execute')).status).toBe(404);
  });

  it('answers a payload that fails its schema, or an unknown job, with 400 and the field at fault', async () => {
    const own = await fetch(`${url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'sales', pages: 99 }),
    });
    expect(own.status).toBe(400);
    expect(await json(own)).toMatchObject({ fields: [{ field: 'data.pages' }] });
    const invalid = await admin('POST', '/runs', { name: 'report.generate', data: { kind: 'sales', pages: 99 } });
    expect(invalid.status).toBe(400);
    expect(await json(invalid)).toMatchObject({ code: 'JOB_PAYLOAD_INVALID', fields: [{ field: 'data.pages' }] });
    const unknown = await admin('POST', '/runs', { name: 'report.gen', data: {} });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toContain(
      'known jobs: event:WelcomeListener.welcome, http.request, jobs.events.retention, jobs.history.retention, log.message, partner.sync, report.generate, sessions.cleanup, video.transcode',
    );
  });

  it('runs the built-in log.message from the admin API, and refuses an http.request to its own loopback address', async () => {
    const logged = await json<{ id: string }>(
      admin('POST', '/runs', { name: 'log.message', data: { message: 'hello from the sample', category: 'Ops' } }),
    );
    expect(await recorded(logged.id)).toMatchObject({ name: 'log.message' });
    expect(output()).toMatch(/\[Ops\] hello from the sample/);
    const call = await json<{ id: string }>(admin('POST', '/runs', { name: 'http.request', data: { url: `${url}/health` } }));
    const failed = await waitUntil(
      async () => {
        const info = await json<{ state: string; failedReason?: string }>(admin('GET', `/runs/${call.id}`));
        return info.state === 'failed' ? info : undefined;
      },
      10_000,
      'the refused call to fail',
    );
    expect(failed.failedReason).toContain('is a loopback, private, link-local or metadata address');
  });

  it('turns a sign-up posted to a route of its own into a welcome job, through an application event', async () => {
    const signUp = (email: string) =>
      fetch(`${url}/api/v1/signups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    const response = await signUp('ada@example.com');
    expect(response.status).toBe(201);
    const { eventId } = await json<{ eventId: string }>(response);
    const event = await waitUntil(
      async () => {
        const stored = await json(admin('GET', `/app-events/${eventId}`));
        return stored.deliveries?.[0]?.status === 'completed' ? stored : undefined;
      },
      10_000,
      'the sign-up delivered',
    );
    expect(event).toMatchObject({ name: 'user.signed-up', source: 'signups', subscribers: ['event:WelcomeListener.welcome'] });
    await waitUntil(() => /\[Signups\] welcome ada@example.com/.test(output()), 10_000, 'the welcome job');
    expect((await signUp('not-an-address')).status).toBe(400);
  });

  it('cancels a running job through the admin API', async () => {
    const { id } = await json<{ id: string }>(admin('POST', '/runs', { name: 'video.transcode', data: { seconds: 8 } }));
    await waitUntil(async () => (await json(admin('GET', `/runs/${id}`))).state === 'active', 10_000, 'active');
    expect(await json(admin('DELETE', `/runs/${id}`))).toEqual({ id, state: 'cancelling' });
    await waitUntil(async () => (await json(admin('GET', `/runs/${id}`))).state === 'cancelled', 10_000, 'cancelled');
  });

  it('lists its cron and its run-time schedule, and takes a new one', async () => {
    const list = async () =>
      (await json<Array<{ id: string; origin: string }>>(admin('GET', '/schedules'))).map((s) => `${s.origin}:${s.id}`);
    expect((await list()).sort()).toEqual([
      'code:jobs.events.retention',
      'code:jobs.history.retention',
      'code:sessions.cleanup',
      'runtime:nightly-sales',
    ]);
    const created = await admin('POST', '/schedules', {
      name: 'partner.sync',
      id: 'acme-hourly',
      cron: '0 * * * *',
      data: { partner: 'acme' },
    });
    expect(created.status).toBe(201);
    expect(await list()).toContain('runtime:acme-hourly');
    expect((await admin('POST', '/schedules', { name: 'partner.sync', cron: '0 * * *' })).status).toBe(400);
    expect((await admin('DELETE', '/schedules/acme-hourly')).status).toBe(204);
    expect(await list()).not.toContain('runtime:acme-hourly');
  });

  it('keeps the admin API and the board closed without credentials', async () => {
    expect((await admin('GET', '/queues', undefined, 'guess')).status).toBe(401);
    const board = `${url}/api/v1/admin/queues`;
    expect((await fetch(board)).status).toBe(401);
    const page = await fetch(board, {
      headers: { authorization: `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Jobs</title>');
  });

  it('serves the console, printed at start-up, whose page holds no data and whose data needs the admin token', async () => {
    const consoleUrl = `${url}/api/v1/jobs-console`;
    expect(output()).toContain(`Console     ${consoleUrl}`);
    const page = await fetch(consoleUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('"title":"nestjs-jobs sample"');
    expect(html).not.toContain('report.generate');
    expect((await fetch(`${consoleUrl}/assets/console.js`)).status).toBe(200);
    expect((await admin('GET', '/types', undefined, 'guess')).status).toBe(401);
  });

  it('serves Swagger, health and metrics', async () => {
    const document = await json<{ paths: Record<string, unknown> }>(fetch(`${url}/docs-json`));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/jobs/runs', '/api/v1/jobs/definitions/{id}/execute', '/api/v1/reports']),
    );
    expect((await fetch(`${url}/docs`)).status).toBe(200);
    expect(await json(fetch(`${url}/health`))).toMatchObject({ status: 'ok', info: { jobs: { status: 'up', missingWorkers: [] } } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^jobs_completed_total\{queue="reports",name="report.generate"\} [1-9]/m);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    // Nest closes the app, then raises the signal again so the process ends as the signal asked.
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(output()).toContain('Workers stopped; no job is running.');
    expect(output()).not.toContain('enableShutdownHooks');
  });
});

/** `npm start` on a machine with no Redis and no PostgreSQL to use: the sample brings its own database. */
describe('the sample with no service configured', () => {
  const dir = join(tmpdir(), uniquePrefix('embedded-pg'));
  let port: number;
  let sample: Sample | undefined;

  beforeAll(async () => {
    port = await freePort();
  });

  afterAll(async () => {
    if (sample) await stopSample(sample);
    // Should a test have failed half-way, no database server outlives the suite.
    const lock = join(dir, 'postmaster.pid');
    try {
      if (existsSync(lock)) process.kill(Number(readFileSync(lock, 'utf8').split('\n')[0]), 'SIGQUIT');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => (sample = await startSample({ EMBEDDED_PG_DIR: dir, EMBEDDED_PG_PORT: String(port) }, { detached: true }));

  it('starts an embedded PostgreSQL for queues and history, runs a job there, and on Ctrl+C stops the database after the app', async () => {
    const first = await start();
    expect(first.output()).toContain(`Creating an embedded PostgreSQL in ${dir}`);
    expect(first.output()).toContain(
      `Queues on PostgreSQL 127.0.0.1:${port}/sample (schema sample_jobs); history in PostgreSQL 127.0.0.1:${port}/sample (embedded PostgreSQL`,
    );
    const id = await api(first).orderReport();
    expect(await api(first).recorded(id)).toMatchObject({
      status: 'completed',
      name: 'report.generate',
      result: { kind: 'sales', pages: 2 },
    });
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(true);

    // A job still running at Ctrl+C finishes, and its history row is written, before the database goes.
    const running = await api(first).orderReport({ kind: 'stock', pages: 6 });
    await waitUntil(() => first.output().includes(`active report.generate#${running}`), 10_000, 'the report to start');
    expect(await stopSample(first, 'SIGINT', { group: true })).toEqual([null, 'SIGINT']);
    expect(first.output()).toContain(`completed report.generate#${running}`);
    expect(first.output()).not.toMatch(/terminating connection|cannot be written|could not be written/);
    // A clean stop of the server removes its lock file.
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
  });

  it('reuses its data on the next start, and takes over from a server a crashed run left behind', async () => {
    const second = await start();
    expect(second.output()).not.toContain('Creating an embedded PostgreSQL');
    const before = await api(second).json<{ items: unknown[] }>(api(second).admin('GET', '/executions?name=report.generate'));
    // Both reports of the first run, the one finished during Ctrl+C too.
    expect(before.items).toHaveLength(2);
    // A crash: the app dies at once and its database server is left running, holding the data directory.
    expect(await stopSample(second, 'SIGKILL')).toEqual([null, 'SIGKILL']);
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(true);

    const third = await start();
    expect(third.output()).toContain('that a previous run left behind');
    const id = await api(third).orderReport();
    expect(await api(third).recorded(id)).toMatchObject({ status: 'completed' });
  });

  it('refuses to take over the database while another run of the sample uses it', async () => {
    const other = spawnSample({ EMBEDDED_PG_DIR: dir, EMBEDDED_PG_PORT: String(port) });
    const [code] = await once(other.child, 'exit');
    expect(code).not.toBe(0);
    expect(other.output()).toContain(`Another run of the sample (pid ${sample!.child.pid}) uses the embedded PostgreSQL in ${dir}`);
    // The running one is untouched.
    const id = await api(sample!).orderReport();
    expect(await api(sample!).recorded(id)).toMatchObject({ status: 'completed' });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
