import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

const root = new URL('../../', import.meta.url).pathname;
const prefix = uniquePrefix('sample');
const historyDb = join(tmpdir(), `${prefix}.sqlite`);
const ADMIN_TOKEN = 'test-admin-token';
const BOARD_USER = 'ops';
const BOARD_PASSWORD = 'board-secret';

/** The sample as `npm start` runs it: a real process serving real HTTP. */
describe('the sample application', () => {
  let child: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, ['dist-sample/main.js'], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', PORT: '0', REDIS_URL, JOBS_PREFIX: prefix, HISTORY_DB: historyDb, NO_COLOR: '1', ADMIN_TOKEN, BOARD_USER, BOARD_PASSWORD },
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    url = (await waitUntil(() => /Sample listening on (http:\/\/\S+)/.exec(output)?.[1], 20_000, 'the sample to listen'))!;
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await deletePrefix(prefix);
    rmSync(historyDb, { force: true });
  });

  const admin = (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) =>
    fetch(`${url}/api/v1/jobs${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async <T = any>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
  const recorded = (jobId: string) =>
    waitUntil(async () => (await json(admin('GET', `/executions?jobId=${jobId}&status=completed`))).items[0], 10_000, 'the run in the history');

  it('runs a job ordered through a route of its own to completion, with its progress and history', async () => {
    const response = await fetch(`${url}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'sales', pages: 2 }) });
    expect(response.status).toBe(201);
    const { id } = await json<{ id: string }>(response);
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

  it('creates a job definition through the admin API and runs it on request', async () => {
    const created = await admin('POST', '/definitions', { name: 'monthly-sales', handler: 'report.generate', data: { kind: 'sales', pages: 1 } });
    expect(created.status).toBe(201);
    const { id } = await json<{ id: string }>(created);
    const run = await json<{ id: string }>(admin('POST', `/definitions/${id}/execute`));
    expect(await recorded(run.id)).toMatchObject({ definitionId: id });
    expect((await admin('POST', '/definitions/nope/execute')).status).toBe(404);
  });

  it('answers a payload that fails its schema, or an unknown job, with 400 and the field at fault', async () => {
    const own = await fetch(`${url}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'sales', pages: 99 }) });
    expect(own.status).toBe(400);
    expect(await json(own)).toMatchObject({ fields: [{ field: 'data.pages' }] });
    const invalid = await admin('POST', '/runs', { name: 'report.generate', data: { kind: 'sales', pages: 99 } });
    expect(invalid.status).toBe(400);
    expect(await json(invalid)).toMatchObject({ code: 'JOB_PAYLOAD_INVALID', fields: [{ field: 'data.pages' }] });
    const unknown = await admin('POST', '/runs', { name: 'report.gen', data: {} });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toContain('known jobs: jobs.history.retention, partner.sync, report.generate, sessions.cleanup, video.transcode');
  });

  it('cancels a running job through the admin API', async () => {
    const { id } = await json<{ id: string }>(admin('POST', '/runs', { name: 'video.transcode', data: { seconds: 8 } }));
    await waitUntil(async () => (await json(admin('GET', `/runs/${id}`))).state === 'active', 10_000, 'active');
    expect(await json(admin('DELETE', `/runs/${id}`))).toEqual({ id, state: 'cancelling' });
    await waitUntil(async () => (await json(admin('GET', `/runs/${id}`))).state === 'cancelled', 10_000, 'cancelled');
  });

  it('lists its cron and its run-time schedule, and takes a new one', async () => {
    const list = async () => (await json<Array<{ id: string; origin: string }>>(admin('GET', '/schedules'))).map((s) => `${s.origin}:${s.id}`);
    expect((await list()).sort()).toEqual(['code:jobs.history.retention', 'code:sessions.cleanup', 'runtime:nightly-sales']);
    const created = await admin('POST', '/schedules', { name: 'partner.sync', id: 'acme-hourly', cron: '0 * * * *', data: { partner: 'acme' } });
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
    const page = await fetch(board, { headers: { authorization: `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Jobs</title>');
  });

  it('serves Swagger, health and metrics', async () => {
    const document = await json<{ paths: Record<string, unknown> }>(fetch(`${url}/docs-json`));
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/jobs/runs', '/api/v1/jobs/definitions/{id}/execute', '/api/v1/reports']));
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
    expect(output).toContain('Workers stopped; no job is running.');
    expect(output).not.toContain('enableShutdownHooks');
  });
});
