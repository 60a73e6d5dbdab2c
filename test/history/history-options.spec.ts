import { describe, expect, it } from '@jest/globals';
import { ExecutionRows } from '../../lib/history/execution-rows.js';
import { resolveHistoryOptions, historyEnabled } from '../../lib/history/history.options.js';
import { redact, redactionKeys } from '../../lib/history/redaction.js';
import { JobsConfigurationError } from '../../lib/index.js';
import type { JobHistoryOptions } from '../../lib/interfaces/job-history.interface.js';

const keys = redactionKeys(['password', 'Authorization']);

describe('redact', () => {
  it('replaces listed keys at any depth, whatever their case, in objects and arrays', () => {
    const value = { a: { PASSWORD: 1, b: [{ authorization: 'Bearer x', keep: true }] }, password: { nested: 'gone' } };
    expect(redact(value, keys)).toEqual({
      a: { PASSWORD: '[redacted]', b: [{ authorization: '[redacted]', keep: true }] },
      password: '[redacted]',
    });
    expect(value.a.PASSWORD).toBe(1);
  });

  it('returns values without listed keys as they are, without copying', () => {
    const value = { a: [1, { b: 2 }], c: 'password' };
    expect(redact(value, keys)).toBe(value);
    expect(redact('password', keys)).toBe('password');
    expect(redact(null, keys)).toBeNull();
  });
});

describe('ExecutionRows', () => {
  const rows = () => new ExecutionRows({ redact: keys, maxLogLines: 2, workerHost: 'host', workerPid: 7 });
  const job = { jobId: 'j1', name: 'n', queue: 'q', timestamp: 2_000, scope: 'local' } as const;
  const attempt = { ...job, attempt: 1, maxAttempts: 3 };

  it('keeps an attempt open from active to its end, gathering progress and capped log lines in place', () => {
    const r = rows();
    const started = r.apply({ type: 'active', ...attempt, startedAt: 1_000, enqueuedAt: 500, data: { password: 'x' } })!;
    expect(started).toMatchObject({ status: 'running', workerHost: 'host', workerPid: 7, data: { password: '[redacted]' } });
    expect(r.apply({ type: 'progress', ...job, attempt: 1, progress: 40 })).toBeUndefined();
    for (const line of ['one', 'two', 'three']) r.apply({ type: 'log', ...job, attempt: 1, log: line });
    const ended = r.apply({ type: 'completed', ...attempt, finishedAt: 1_250, result: 'ok' })!;
    expect(ended).toBe(started);
    expect(ended).toMatchObject({ status: 'completed', progress: 40, logs: ['one', 'two'], durationMs: 250, result: 'ok' });
    expect(r.running).toBe(0);
  });

  it('records each attempt under its own number, and a job cancelled before it ran as attempt 0', () => {
    const r = rows();
    r.apply({ type: 'active', ...attempt, startedAt: 1_000 });
    const retry = r.apply({ type: 'retrying', ...attempt, error: { name: 'Error', message: 'boom', stack: 'at x' }, retryDelay: 0 })!;
    expect(retry).toMatchObject({ attempt: 1, status: 'retrying', errorMessage: 'boom', errorStack: 'at x' });
    expect(r.apply({ type: 'cancelled', ...job, attempt: 0, maxAttempts: 3, finishedAt: 2_000 })).toMatchObject({
      attempt: 0,
      status: 'cancelled',
      startedAt: null,
      workerHost: null,
    });
  });

  it('ignores events that neither start nor end an attempt', () => {
    expect(rows().apply({ type: 'enqueued', ...job })).toBeUndefined();
    expect(rows().apply({ type: 'deduplicated', ...job })).toBeUndefined();
  });
});

describe('history options', () => {
  it('is on when given, unless enabled is false', () => {
    expect([undefined, false, true, {}, { enabled: false }].map((h) => historyEnabled(h))).toEqual([false, false, true, true, false]);
  });

  it('fills defaults and names the option at fault', () => {
    expect(resolveHistoryOptions(true)).toMatchObject({ retentionDays: 30, batchSize: 200, bufferSize: 10_000, redact: [] });
    expect(() => resolveHistoryOptions({ bufferSize: 0 })).toThrow(JobsConfigurationError);
    expect(() => resolveHistoryOptions({ retentionDays: -1 })).toThrow(/history\.retentionDays/);
    expect(() => resolveHistoryOptions({ redact: ['ok', ''] })).toThrow(/history\.redact/);
  });

  it('takes every integer option as a string of decimal digits, and refuses any other string naming it', () => {
    const given = {
      retentionDays: '7',
      keepPerName: '100',
      batchSize: ' 50 ',
      flushInterval: '500',
      bufferSize: '2000',
      maxLogLines: '0',
      flushTimeout: '1000',
      recoverAfter: '1500',
    };
    expect(resolveHistoryOptions(given as unknown as JobHistoryOptions)).toMatchObject({
      retentionDays: 7,
      keepPerName: 100,
      batchSize: 50,
      flushInterval: 500,
      bufferSize: 2000,
      maxLogLines: 0,
      flushTimeout: 1000,
      recoverAfter: 1500,
    });
    expect(resolveHistoryOptions({ flushInterval: '3000' } as unknown as JobHistoryOptions).recoverAfter).toBe(9000);
    for (const [option, value] of [
      ['retentionDays', '7d'],
      ['batchSize', '1e2'],
      ['flushInterval', '0.5'],
      ['keepPerName', ''],
      ['recoverAfter', '0x10'],
    ]) {
      const call = () => resolveHistoryOptions({ [option]: value });
      expect(call).toThrow(JobsConfigurationError);
      expect(call).toThrow(`"history.${option}" must be`);
      expect(call).toThrow(`got ${JSON.stringify(value)}`);
    }
  });
});
