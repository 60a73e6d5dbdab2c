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

/** The sample as `npm start` runs it: a real process serving real HTTP. */
describe('the sample application', () => {
  let child: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, ['dist-sample/main.js'], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', PORT: '0', REDIS_URL, JOBS_PREFIX: prefix, HISTORY_DB: historyDb, NO_COLOR: '1' },
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

  const post = (name: string, body: unknown) =>
    fetch(`${url}/jobs/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('runs a job enqueued over HTTP to completion, with its progress', async () => {
    const response = await post('report.generate', { data: { kind: 'sales', pages: 2 } });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const job = await waitUntil(
      async () => {
        const info = (await (await fetch(`${url}/jobs/${id}`)).json()) as { state: string; progress: number; result: unknown };
        return info.state === 'completed' && info;
      },
      10_000,
      'the report to complete',
    );
    expect(job).toMatchObject({ progress: 100, result: { kind: 'sales', pages: 2 } });
    const recorded = await waitUntil(
      async () => ((await (await fetch(`${url}/history/jobs/${id}`)).json()) as Array<{ status: string }>).find((r) => r.status === 'completed'),
      10_000,
      'the run to be in the history',
    );
    expect(recorded).toMatchObject({ status: 'completed', name: 'report.generate', attempt: 1 });
  });

  it('creates a job definition over HTTP and runs it on request', async () => {
    const created = await fetch(`${url}/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'monthly-sales', handler: 'report.generate', data: { kind: 'sales', pages: 1 } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const run = (await (await fetch(`${url}/definitions/${id}/execute`, { method: 'POST' })).json()) as { id: string };
    await waitUntil(
      async () => ((await (await fetch(`${url}/history/jobs/${run.id}`)).json()) as Array<{ status: string; definitionId: string }>).some((r) => r.status === 'completed' && r.definitionId === id),
      10_000,
      'the definition run in the history',
    );
    expect((await fetch(`${url}/definitions/nope/execute`, { method: 'POST' })).status).toBe(404);
  });

  it('answers a payload that fails its schema, or an unknown job, with 400 and the reason', async () => {
    const invalid = await post('report.generate', { data: { kind: 'sales', pages: 99 } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { code: string }).code).toBe('JOB_PAYLOAD_INVALID');
    const unknown = await post('report.gen', { data: {} });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toContain('known jobs: jobs.history.retention, partner.sync, report.generate, sessions.cleanup, video.transcode');
  });

  it('cancels a running job over HTTP', async () => {
    const { id } = (await (await post('video.transcode', { data: { seconds: 8 } })).json()) as { id: string };
    await waitUntil(async () => ((await (await fetch(`${url}/jobs/${id}`)).json()) as { state: string }).state === 'active', 10_000, 'active');
    expect((await fetch(`${url}/jobs/${id}`, { method: 'DELETE' })).status).toBe(200);
    await waitUntil(async () => ((await (await fetch(`${url}/jobs/${id}`)).json()) as { state: string }).state === 'cancelled', 10_000, 'cancelled');
  });

  it('lists its cron and its run-time schedule, and takes a new one over HTTP', async () => {
    const list = async () => ((await (await fetch(`${url}/schedules`)).json()) as Array<{ id: string; origin: string }>).map((s) => `${s.origin}:${s.id}`);
    expect((await list()).sort()).toEqual(['code:jobs.history.retention', 'code:sessions.cleanup', 'runtime:nightly-sales']);
    const created = await fetch(`${url}/schedules/partner.sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'acme-hourly', cron: '0 * * * *', data: { partner: 'acme' } }),
    });
    expect(created.status).toBe(201);
    expect(await list()).toContain('runtime:acme-hourly');
    const bad = await fetch(`${url}/schedules/partner.sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cron: '0 * * *' }),
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${url}/schedules/acme-hourly`, { method: 'DELETE' })).status).toBe(200);
    expect(await list()).not.toContain('runtime:acme-hourly');
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
