import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { JobsConnection } from '../../lib/index.js';
import { resolveJobsOptions } from '../../lib/jobs.options.js';
import { uniquePrefix } from '../support/services.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/** A port nothing listens on: connecting is refused. */
const REFUSED: Array<[string, JobsConnection, RegExp]> = [
  [
    'Redis',
    { redis: 'redis://127.0.0.1:1' },
    /^The queue backend \(Redis at 127\.0\.0\.1:1, prefix "startup-\w+"\) could not be used at start-up: /,
  ],
  [
    'PostgreSQL',
    { postgres: 'postgres://postgres@127.0.0.1:1/test', migrate: true },
    /^The queue backend \(PostgreSQL at 127\.0\.0\.1:1\/test, schema "bullmq"\) could not be used at start-up: .*ECONNREFUSED/,
  ],
];

describe('start-up against a backend that does not answer', () => {
  it.each(REFUSED)(
    'on %s, fails naming where it looked and why, and the process then exits by itself',
    async (_name, connection, message) => {
      // A process of its own: "exits by itself" is what a host's failed start must do, and Jest cannot tell it apart.
      const { stdout } = await run(process.execPath, ['test/module/fixtures/unreachable-start.mjs'], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: '', JOBS_CONNECTION: JSON.stringify(connection), PREFIX: uniquePrefix('startup') },
        timeout: 20_000,
      });
      const report = JSON.parse(stdout) as { name: string; message: string; ms: number };
      expect(report.name).toBe('JobsConfigurationError');
      expect(report.message).toMatch(message);
      expect(report.ms).toBeLessThan(5_000);
    },
  );

  it.each([0, -1, '1.5', 2 ** 31])('refuses startupTimeout %p naming it', (startupTimeout) => {
    expect(() => resolveJobsOptions({ connection: { redis: 'redis://127.0.0.1:6379' }, startupTimeout: startupTimeout as number })).toThrow(
      /^JobsModule option "startupTimeout" must be a positive integer \(ms\) of at most 2147483647; got /,
    );
  });
});
