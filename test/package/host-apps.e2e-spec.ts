import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { deletePrefix, queueConnection, uniquePrefix } from '../support/services.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const prefix = uniquePrefix('host');

describe('the built package in a host application', () => {
  afterAll(() => deletePrefix(prefix));

  it.each(['host.cjs', 'host.mjs'])('loads and enqueues from %s', async (file) => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true); // `npm test` builds first
    const { stdout } = await run(process.execPath, [`test/package/fixtures/${file}`], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)), PREFIX: prefix },
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ name: 'hello', queue: 'default', id: expect.any(String) });
  });
});
