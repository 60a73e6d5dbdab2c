import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REDIS_URL, deletePrefix, deleteRedisPrefix, queueConnection, uniquePrefix } from '../support/services.js';
import { writeReadmeApp, type ReadmeApp } from './readme-app.js';
import { readmeBlocksOf } from './readme-blocks.js';
import { compileBlocks, type CompiledBlock } from './readme-compiler.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const blocks = readmeBlocksOf(join(root, 'README.md'));
const QUICK_START = 'Install and quick start in your app';
const MIGRATION = 'Coming from `@nestjs/bullmq` and `@nestjs/schedule`';

describe('README examples', () => {
  it('are checked against a dist/ built from the current lib/', () => {
    expect(existsSync(join(root, 'dist/index.d.ts'))).toBe(true); // `npm test` builds first
    const built = statSync(join(root, 'dist/index.js')).mtimeMs;
    const newer = sources(join(root, 'lib')).filter((file) => statSync(file).mtimeMs > built);
    expect(newer.map((file) => `${file.slice(root.length)} changed after the last build: run \`npm run build\``)).toEqual([]);
  });

  describe('compile as written', () => {
    let compiled: Map<number, CompiledBlock>;
    let global: string[];

    beforeAll(() => {
      const result = compileBlocks(root, blocks);
      compiled = new Map(result.blocks.map((c) => [c.block.line, c]));
      global = result.global;
    }, 120_000);

    it('with the repository compiler options', () => {
      expect(global).toEqual([]);
    });

    const named = blocks.map((block) => ({
      line: block.line,
      where: `${block.file ? `${block.file} ` : ''}(${block.section})${block.dom ? ' in the browser' : ''}`,
    }));
    it.each(named)('README.md:$line $where', ({ line }) => {
      expect(compiled.get(line)!.errors).toEqual([]);
    });
  });

  describe('the quick start, run as written', () => {
    const prefix = uniquePrefix('readme');
    let app: ReadmeApp | undefined;

    afterAll(async () => {
      app?.remove();
      await deletePrefix(prefix);
    });

    it('queues the welcome mail once per user, runs it and shows its result', async () => {
      const files = blocks.filter((block) => block.section === QUICK_START && block.file);
      expect(files.map((block) => block.file)).toEqual(['app.module.ts', 'send-email.job.ts', 'mailer.ts', 'signup.service.ts', 'main.ts']);
      app = writeReadmeApp(root, files, [join(root, 'test/readme/fixtures/quick-start.mjs')]);
      const { stdout } = await run(process.execPath, ['quick-start.mjs'], {
        cwd: app.dir,
        env: { ...process.env, NODE_OPTIONS: '', JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)), PREFIX: prefix },
        timeout: 30_000,
      });
      const seen = JSON.parse(stdout.trim().split('\n').pop()!);
      const handle = { id: 'welcome:42', name: 'email.send', queue: 'emails' };
      expect(seen.first).toEqual(handle);
      expect(seen.again).toEqual(handle);
      expect(seen.result).toEqual({ messageId: expect.stringMatching(/^<[\w-]+@example\.com>$/) });
      expect(seen.state).toBe('completed');
      expect(seen.stored).toEqual(seen.result);
      expect(seen.counts).toMatchObject({ completed: 1, failed: 0, prioritized: 0, active: 0 });
    }, 40_000);
  });

  describe('the half-moved @nestjs/bullmq application, run as written', () => {
    const prefix = uniquePrefix('migration');
    let app: ReadmeApp | undefined;
    afterAll(async () => {
      app?.remove();
      await deleteRedisPrefix(prefix);
    });

    it("completes the moved job, the cron run and the PDF worker's job on one Redis", async () => {
      const files = blocks.filter((block) => block.section === MIGRATION && block.file);
      expect(files.map((block) => block.file)).toEqual([
        'invoices.module.ts',
        'pdf.worker.ts',
        'send-invoice.job.ts',
        'invoice-reminders.ts',
        'invoice-stats.ts',
      ]);
      app = writeReadmeApp(root, files, [join(root, 'test/readme/fixtures/migration.mjs')]);
      // @nestjs/bullmq is Redis only, so this runs on Redis whatever JOBS_BACKEND says.
      const { stdout } = await run(process.execPath, ['migration.mjs'], {
        cwd: app.dir,
        env: { ...process.env, NODE_OPTIONS: '', REDIS_HOST: new URL(REDIS_URL).hostname, QUEUE_PREFIX: prefix },
        timeout: 30_000,
      });
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
        sent: 'invoice 7 sent',
        rendered: 'invoice-7.pdf',
        waiting: 0,
        schedules: ['invoices.reminders'],
      });
    }, 40_000);
  });

  describe('the unit tests of "Testing your application", run by Jest as written', () => {
    let app: ReadmeApp | undefined;
    afterAll(() => app?.remove());

    it("pass with no queue backend, on the quick start's files", async () => {
      const quickStart = blocks.filter((block) => block.section === QUICK_START && block.file && block.file !== 'main.ts');
      const specs = blocks.filter((block) => block.file?.endsWith('.spec.ts'));
      expect(specs.map((block) => block.file)).toEqual(['signup.service.spec.ts', 'send-email.job.spec.ts']);
      app = writeReadmeApp(root, [...quickStart, ...specs]);
      // The blocks run as the JavaScript they compile to, in ESM mode, with nothing listening on any port.
      const config = JSON.stringify({ rootDir: app.dir, testMatch: ['**/*.spec.js'], transform: {}, testEnvironment: 'node' });
      const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--config', config, '--ci'], {
        cwd: app.dir,
        env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules', REDIS_URL: 'redis://127.0.0.1:1' },
        timeout: 60_000,
      }).catch((err: { stdout: string; stderr: string }) => err);
      expect({ stdout, stderr: stderr.split('\n').filter((line) => /✕|●|Tests:/.test(line)) }).toEqual({
        stdout: expect.any(String),
        stderr: [expect.stringMatching(/^Tests:\s+2 passed, 2 total/)],
      });
    }, 70_000);
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}
