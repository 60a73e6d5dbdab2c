import { afterAll, expect, it } from '@jest/globals';
import { messages } from '../../lib/jobs.messages.js';
import { ChildApp } from '../support/child-app.js';
import { deletePrefix, migrateQueues, queueConnection, uniquePrefix } from '../support/services.js';

const prefix = uniquePrefix('hooks');
const apps: ChildApp[] = [];

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  await deletePrefix(prefix);
});

const warned = (app: ChildApp) => app.lines.some((line) => line.includes(messages.noShutdownHooks));

it('warns about a missing SIGTERM handler only where the app never registers one, not where it does so after create()', async () => {
  await migrateQueues(prefix);
  const env = { JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)), PREFIX: prefix };
  const withHooks = new ChildApp('test/module/fixtures/shutdown-hooks.mjs', { ...env, HOOKS: '1' });
  const without = new ChildApp('test/module/fixtures/shutdown-hooks.mjs', { ...env, HOOKS: '0' });
  apps.push(withHooks, without);
  const checked = '{"level":"log","message":"checked"}';
  await Promise.all([withHooks.waitForLine(checked, 30_000), without.waitForLine(checked, 30_000)]);
  expect(warned(without)).toBe(true);
  expect(warned(withHooks)).toBe(false);
  expect(withHooks.lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
}, 40_000);
