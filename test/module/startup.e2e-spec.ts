import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

/** Starts the fixture app in a process of its own: "exits by itself" is what a failed start must do, and Jest cannot tell. */
async function failedStart(connection: JobsConnection, startupTimeout: number) {
  const { stdout } = await run(process.execPath, ['test/module/fixtures/unreachable-start.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      JOBS_CONNECTION: JSON.stringify(connection),
      PREFIX: uniquePrefix('startup'),
      STARTUP_TIMEOUT: String(startupTimeout),
    },
    timeout: 20_000,
  });
  return JSON.parse(stdout) as { name: string; message: string; ms: number };
}

describe('start-up against a backend that does not answer', () => {
  it.each(REFUSED)(
    'on %s, a refused connection fails at once, naming where and why; the process then exits',
    async (_name, connection, message) => {
      const report = await failedStart(connection, 5_000);
      expect(report.name).toBe('JobsConfigurationError');
      expect(report.message).toMatch(message);
      expect(report.ms).toBeLessThan(5_000);
    },
  );

  describe('a server that takes the connection and never answers', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    let port = 0;
    beforeAll(async () => {
      silent = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as AddressInfo).port;
    });
    afterAll(async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    });

    it.each(['Redis', 'PostgreSQL'])('as %s, fails after startupTimeout naming where it waited; the process then exits', async (name) => {
      const connection: JobsConnection =
        name === 'Redis'
          ? { redis: `redis://127.0.0.1:${port}` }
          : { postgres: `postgres://postgres@127.0.0.1:${port}/test`, migrate: true };
      const report = await failedStart(connection, 500);
      expect(report.name).toBe('JobsConfigurationError');
      expect(report.message).toMatch(
        new RegExp(`^The queue backend \\(${name} at 127\\.0\\.0\\.1:${port}.*\\) did not answer within startupTimeout \\(500 ms\\)`),
      );
      expect(report.ms).toBeGreaterThanOrEqual(500);
    });
  });

  it.each([0, -1, '1.5', 2 ** 31])('refuses startupTimeout %p naming it', (startupTimeout) => {
    expect(() => resolveJobsOptions({ connection: { redis: 'redis://127.0.0.1:6379' }, startupTimeout: startupTimeout as number })).toThrow(
      /^JobsModule option "startupTimeout" must be an integer of ms from 1 to 2147483647 \(about 24.8 days, the longest a timer waits\); got /,
    );
  });
});
