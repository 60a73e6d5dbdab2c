import { afterEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import type { LogMessageResult } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';

/** The host's logger, as Nest's `Logger` calls it: message, extra values, then the context. */
class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; args: unknown[] }> = [];
  log = (...args: unknown[]) => void this.lines.push({ level: 'log', args });
  warn = (...args: unknown[]) => void this.lines.push({ level: 'warn', args });
  error = (...args: unknown[]) => void this.lines.push({ level: 'error', args });
  debug = (...args: unknown[]) => void this.lines.push({ level: 'debug', args });
  verbose = (...args: unknown[]) => void this.lines.push({ level: 'verbose', args });
}

describe('log.message', () => {
  let t: JobsTestApp;
  afterEach(() => t?.close());

  it('writes through the host logger under its category, and returns what it wrote', async () => {
    const logger = new RecordingLogger();
    t = await createJobsApp([], { builtins: { log: true } }, { logger });
    const { id } = await t.jobs.add('log.message', {
      level: 'warn',
      message: 'disk almost full',
      category: 'ops',
      metadata: { freeGb: 2 },
    });
    const done = await t.events.waitFor('completed', id);
    expect(done.result as LogMessageResult).toEqual({
      level: 'warn',
      message: 'disk almost full',
      category: 'ops',
      metadata: { freeGb: 2 },
    });
    expect(logger.lines).toContainEqual({ level: 'warn', args: ['disk almost full', { freeGb: 2 }, 'ops'] });
  });

  it('logs at info under log.message by default, and refuses an unknown level at enqueue', async () => {
    const logger = new RecordingLogger();
    t = await createJobsApp([], { builtins: { log: { queue: 'audit' } } }, { logger });
    const { id, queue } = await t.jobs.add('log.message', { message: 'hello' });
    expect(queue).toBe('audit');
    await t.events.waitFor('completed', id);
    expect(logger.lines).toContainEqual({ level: 'log', args: ['hello', 'log.message'] });
    await expect(t.jobs.add('log.message', { level: 'loud', message: 'x' })).rejects.toThrow('level');
  });

  it('writes one line: CR and LF in the message and category become spaces', async () => {
    const logger = new RecordingLogger();
    t = await createJobsApp([], { builtins: { log: true } }, { logger });
    const { id } = await t.jobs.add('log.message', { message: 'ok\r\n[Nest] 1 - ERROR forged', category: 'ops\nfake' });
    const done = await t.events.waitFor('completed', id);
    expect(done.result).toMatchObject({ message: 'ok  [Nest] 1 - ERROR forged', category: 'ops fake' });
    expect(logger.lines).toContainEqual({ level: 'log', args: ['ok  [Nest] 1 - ERROR forged', 'ops fake'] });
  });
});
