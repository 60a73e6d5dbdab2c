import { execFile } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appFolder, type AppFolder } from '../support/app-folder.js';
import { deletePrefix, migrateQueues, queueConnection, uniquePrefix } from '../support/services.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const OPTIONAL_PEERS = ['typeorm', '@nestjs/typeorm', '@nestjs/swagger'];

describe('an application without TypeORM and Swagger installed', () => {
  const prefix = uniquePrefix('light');
  let app: AppFolder;

  beforeAll(async () => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true); // `npm test` builds first
    app = appFolder(root, { type: 'commonjs', without: OPTIONAL_PEERS });
    copyFileSync(join(root, 'test/package/fixtures/light-app.cjs'), join(app.dir, 'app.cjs'));
    await migrateQueues(prefix);
  });
  afterAll(async () => {
    app?.remove();
    await deletePrefix(prefix);
  });

  const start = async (extras: object = {}) => {
    const { stdout } = await run(process.execPath, ['app.cjs'], {
      cwd: app.dir,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)),
        PREFIX: prefix,
        EXTRAS: JSON.stringify(extras),
      },
      timeout: 30_000,
    });
    return JSON.parse(stdout) as { missing: string[]; result?: unknown; error?: string };
  };

  it('starts and runs a job', async () => {
    const report = await start();
    expect(report.missing).toEqual(OPTIONAL_PEERS);
    expect(report.result).toEqual({ greeting: 'hello light', attempt: 1 });
  });

  it('runs the extras that need neither: metrics and a built-in job type', async () => {
    const report = await start({ metrics: {}, builtins: { log: true } });
    expect(report.result).toEqual({ greeting: 'hello light', attempt: 1 });
  });

  it.each([
    [{ history: true }, 'JobsModule option "history" needs the "typeorm" package, which is not installed: run npm install typeorm.'],
    [
      { admin: { guards: [] } },
      'JobsModule option "admin" needs the "@nestjs/swagger" package, which is not installed: run npm install @nestjs/swagger.',
    ],
  ])('refuses %j at start-up with the package to install', async (extras, error) => {
    expect(await start(extras)).toEqual({ missing: OPTIONAL_PEERS, error });
  });
});
