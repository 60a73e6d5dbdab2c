import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import type { Browser, Page } from 'playwright-core';
import { JobProcessor, type JobContext, type JobHandler } from '../../lib/index.js';
import { launchChromium } from '../support/browser.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { waitUntil } from '../support/wait.js';

const TOKEN = 'console-test-token';

/** The host's guard: a bearer token, as the sample's. */
@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    if (header === `Bearer ${TOKEN}`) return true;
    throw new UnauthorizedException();
  }
}

class ReportPayload {
  @IsString() title!: string;
  @IsInt() @Min(1) pages!: number;
  @IsOptional() @IsBoolean() failOnce?: boolean;
  @IsOptional() @IsBoolean() hold?: boolean;
}

/** Lets a held run finish when the test says so: the console must show it running, then completed, unreloaded. */
let release: () => void = () => undefined;
let held = new Promise<void>((resolve) => (release = resolve));
const failed = new Set<string>();

@JobProcessor('report.build', { queue: 'reports', schema: ReportPayload, attempts: 1 })
class ReportJob implements JobHandler<ReportPayload, { pages: number }> {
  async handle(data: ReportPayload, ctx: JobContext<ReportPayload>) {
    await ctx.log(`building "${data.title}"`);
    await ctx.progress(50);
    if (data.hold) await held;
    if (data.failOnce && !failed.has(ctx.id)) {
      failed.add(ctx.id);
      throw new Error('the printer is out of paper');
    }
    await ctx.log(`built ${data.pages} pages`);
    return { pages: data.pages };
  }
}

/** Screenshots for README when CONSOLE_SCREENSHOTS names a folder (docs/console); none otherwise. */
const shots = process.env.CONSOLE_SCREENSHOTS;
async function shoot(page: Page, name: string) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

describe('the console in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let h: HttpTestApp;
  let db: TestDatabase;
  let consoleUrl: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${h.url}/jobs${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
    });

  beforeAll(async () => {
    db = await DATABASES.sqlite();
    h = await createHttpApp({
      globalPrefix: 'api/v1',
      database: db.options,
      providers: [ReportJob],
      extras: {
        history: { flushInterval: 50 },
        admin: { guards: [TokenGuard] },
        board: { auth: { username: 'ops', password: 'pw' } },
        console: { title: 'Test jobs' },
        events: true,
      },
    });
    consoleUrl = `${h.url}/jobs-console`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Shorter than the test's own timeout, so a step that never happens fails with Playwright's account of it.
    page.setDefaultTimeout(10_000);
  }, 60_000);

  // What the page's own script threw and did not catch: nothing, whatever the test did.
  const pageErrors: string[] = [];
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await db?.drop();
  });

  it('answers no data without credentials: the page has none, the API refuses', async () => {
    const shell = await fetch(consoleUrl);
    expect(shell.status).toBe(200);
    const html = await shell.text();
    expect(html).not.toContain('report.build');
    expect(html).toContain('"adminPath":"jobs"');
    for (const path of [
      '/types',
      '/executions',
      '/definitions',
      '/events',
      '/queues',
      '/stats/series',
      '/schedules/preview?cron=*+*+*+*+*',
    ])
      expect((await fetch(`${h.url}/jobs${path}`)).status).toBe(401);
    expect((await fetch(`${consoleUrl}/assets/console.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${consoleUrl}/assets/secrets.txt`)).status).toBe(404);
  });

  it('signs in with the admin token, and not with a wrong one', async () => {
    await page.goto(consoleUrl);
    await page.getByLabel('Access token').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That token is not accepted.').waitFor();
    await page.getByLabel('Access token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    expect(await page.title()).toBe('Test jobs');
  });

  it('creates a definition: a bad cron is shown at its field, a good one with its next five runs', async () => {
    await page.goto(`${consoleUrl}#/definitions/new`);
    await page.getByLabel('Name').fill('nightly-report');
    await page.getByLabel('Handler').selectOption('report.build');
    await page.getByLabel('Cron expression').fill('61 * * * *');
    const cronError = page.locator('#def-cron-error');
    await cronError.waitFor();
    expect(await cronError.textContent()).toMatch(/61|minute|constraint|range/i);
    await page.getByLabel('Cron expression').fill('*/5 * * * *');
    await page.locator('.next-runs li').nth(4).waitFor();
    expect(await page.locator('.next-runs li').count()).toBe(5);
    await expect(cronError.count()).resolves.toBe(0);
    // The payload form comes from the handler's schema; a missing required field is refused before sending.
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#def-data-title-error').waitFor();
    await page.getByLabel('title *').fill('Weekly numbers');
    await page.getByLabel('pages *').fill('3');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await shoot(page, 'definition-form');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('link', { name: 'nightly-report' }).waitFor();
    const defs = (await (await api('/definitions')).json()) as Array<{ name: string; cron: string; timeZone: string; data: unknown }>;
    expect(defs).toEqual([
      expect.objectContaining({
        name: 'nightly-report',
        cron: '*/5 * * * *',
        timeZone: 'Europe/Berlin',
        data: { title: 'Weekly numbers', pages: 3 },
      }),
    ]);
    await shoot(page, 'types-and-definitions');
  });

  it('runs a job and shows it running, then completed, without reloading; its detail has its log lines', async () => {
    await page.goto(`${consoleUrl}#/types`);
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
    await page.locator('tr', { hasText: 'report.build' }).getByRole('button', { name: 'Run now…' }).click();
    await page.getByLabel('Edit as JSON').check();
    await page.getByLabel('JSON', { exact: true }).fill(JSON.stringify({ title: 'Held', pages: 2, hold: true }));
    await page.getByRole('button', { name: 'Enqueue' }).click();
    await page.getByText(/Enqueued report.build as job/).waitFor();
    await page.getByRole('link', { name: 'Executions' }).click();
    const row = page.locator('tr[data-job="report.build"]').first();
    await row.getByText('running').waitFor({ timeout: 15_000 });
    await shoot(page, 'executions-running');
    release();
    await row.getByText('completed').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);
    await row.getByRole('link').click();
    await page.locator('ol.logs li', { hasText: 'built 2 pages' }).waitFor();
    expect(await page.locator('ol.logs li').allTextContents()).toEqual(['building "Held"', 'built 2 pages']);
    await page.getByText('pages: 2').first().waitFor();
    await shoot(page, 'execution-detail');
  });

  it('retries a failed run', async () => {
    held = new Promise<void>((resolve) => (release = resolve));
    const res = await api('/runs', {
      method: 'POST',
      body: JSON.stringify({ name: 'report.build', data: { title: 'Flaky', pages: 1, failOnce: true } }),
    });
    const { id } = (await res.json()) as { id: string };
    await waitUntil(
      async () =>
        ((await (await api(`/executions?jobId=${encodeURIComponent(id)}&status=failed`)).json()) as { items: unknown[] }).items.length,
      10_000,
      'the failed attempt recorded',
    );
    await page.goto(`${consoleUrl}#/executions?status=failed`);
    const row = page.locator('tr', { hasText: 'failed' }).first();
    await row.getByRole('button', { name: 'Retry' }).click();
    await page.getByText(`Retried as job ${id}.`).waitFor();
    // The retry runs the same job again, and this time it completes: the page shows it among the completed ones.
    const completed = await waitUntil(
      async () => {
        const { items } = (await (await api(`/executions?jobId=${encodeURIComponent(id)}&status=completed`)).json()) as {
          items: unknown[];
        };
        return items.length ? items : undefined;
      },
      10_000,
      'the retried job completed',
    );
    expect(completed).toHaveLength(1);
    await page.goto(`${consoleUrl}#/executions?status=completed&name=report.build`);
    await page.locator('tr[data-job="report.build"]').nth(1).waitFor();
  });

  it('pauses and resumes a queue', async () => {
    await page.goto(`${consoleUrl}#/queues`);
    const row = page.locator('tr[data-queue="reports"]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('paused').waitFor();
    expect(((await (await api('/queues/reports')).json()) as { paused: boolean }).paused).toBe(true);
    expect(await page.getByRole('link', { name: 'Open Bull Board' }).getAttribute('href')).toBe('/api/v1/admin/queues');
    await shoot(page, 'queues');
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByText('running').waitFor();
    expect(((await (await api('/queues/reports')).json()) as { paused: boolean }).paused).toBe(false);
  });

  it('shows schedules, statistics as charts, and application events', async () => {
    await page.goto(`${consoleUrl}#/schedules`);
    await page.locator('td', { hasText: '*/5 * * * * (Europe/Berlin)' }).waitFor();
    await page.goto(`${consoleUrl}#/stats`);
    await page.locator('.chart canvas').nth(2).waitFor();
    expect(await page.locator('.chart').count()).toBe(3);
    await shoot(page, 'statistics');
    await api('/app-events', {
      method: 'POST',
      body: JSON.stringify({ name: 'report.published', data: { id: 1 }, source: 'console-test' }),
    });
    await page.goto(`${consoleUrl}#/app-events`);
    await page.locator('td', { hasText: 'report.published' }).waitFor();
  });

  it('deletes a definition only once the confirmation is accepted, and its schedule with it', async () => {
    await page.goto(`${consoleUrl}#/types`);
    const row = page.locator('tr', { hasText: 'nightly-report' });
    page.once('dialog', (dialog) => void dialog.dismiss());
    await row.getByRole('button', { name: 'Delete' }).click();
    expect(((await (await api('/definitions')).json()) as unknown[]).length).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('nightly-report deleted.').waitFor();
    expect(await (await api('/definitions')).json()).toEqual([]);
    const schedules = (await (await api('/schedules')).json()) as Array<{ origin: string }>;
    expect(schedules.filter((s) => s.origin === 'definition')).toEqual([]);
  });

  it('can be used from the keyboard: the navigation links are reachable with Tab', async () => {
    await page.goto(`${consoleUrl}#/executions`);
    // A fresh load, so the focus starts at the top of the page.
    await page.reload();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent ?? ''));
    }
    for (const label of ['Executions', 'Queues', 'Statistics']) expect(reached.has(label)).toBe(true);
  });
});
