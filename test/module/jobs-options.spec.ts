import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { resolveJobsOptions } from '../../lib/jobs.options.js';
import { JobsConfigurationError } from '../../lib/jobs.errors.js';
import type { JobsModuleOptions } from '../../lib/interfaces/jobs-module-options.interface.js';

const connection = { redis: 'redis://127.0.0.1:6379' };

describe('resolveJobsOptions', () => {
  it('fills in every default', () => {
    expect(resolveJobsOptions({ connection })).toEqual({
      connection,
      prefix: 'jobs',
      queues: {},
      stalled: { lockDuration: 30000, interval: 30000, maxCount: 1 },
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000 },
        timeout: undefined,
        removeOnComplete: 100,
        removeOnFail: 50,
      },
      workers: true,
      shutdownTimeout: 10000,
      startupTimeout: 30000,
      maxPayloadBytes: 524288,
      inputLimits: { depth: 32, keys: 1000, items: 10000 },
      eventStreamLength: 10000,
      telemetry: undefined,
      extraSettings: {},
    });
  });

  it('takes inputLimits field by field, numeric strings too, and refuses anything else naming the field', () => {
    expect(resolveJobsOptions({ connection, inputLimits: { depth: 8, items: '50' as never } }).inputLimits).toEqual({
      depth: 8,
      keys: 1000,
      items: 50,
    });
    expect(() => resolveJobsOptions({ connection, inputLimits: { keys: 0 } })).toThrow(
      'JobsModule option "inputLimits.keys" must be a positive integer; got 0.',
    );
    expect(() => resolveJobsOptions({ connection, inputLimits: { width: 3 } as never })).toThrow(
      'JobsModule option "inputLimits.width" must be one of depth, keys, items; got "width".',
    );
    expect(() => resolveJobsOptions({ connection, inputLimits: [] as never })).toThrow('"inputLimits" must be { depth?, keys?, items? }');
  });

  it.each([
    ['defaultJobOptions.timeout', { defaultJobOptions: { timeout: 2 ** 31 } }],
    ['stalled.lockDuration', { stalled: { lockDuration: 2 ** 31 } }],
    ['shutdownTimeout', { shutdownTimeout: 2 ** 31 }],
    ['queues.q.limiter', { queues: { q: { limiter: { max: 1, duration: 2 ** 31 } } } }],
  ])('bounds %s by the longest a timer waits', (option, given) => {
    expect(() => resolveJobsOptions({ connection, ...given })).toThrow(`JobsModule option "${option}" must be`);
    expect(() => resolveJobsOptions({ connection, ...given })).toThrow('2147483647');
  });

  it('refuses extraSettings that are not an object', () => {
    expect(() => resolveJobsOptions({ connection, extraSettings: 'secret' as never })).toThrow(
      'JobsModule option "extraSettings" must be { board?, builtins? }; got "secret".',
    );
  });

  it('keeps what the host sets', () => {
    const resolved = resolveJobsOptions({
      connection,
      prefix: 'app',
      queues: { emails: { concurrency: 5, limiter: { max: 10, duration: 1000 } } },
      defaultJobOptions: { attempts: 5, backoff: 300, timeout: 1000 },
      workers: ['emails'],
    });
    expect(resolved).toMatchObject({
      prefix: 'app',
      queues: { emails: { concurrency: 5, limiter: { max: 10, duration: 1000 } } },
      defaultJobOptions: { attempts: 5, backoff: { type: 'fixed', delay: 300 }, timeout: 1000 },
      workers: ['emails'],
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['connection', { connection: undefined }],
    ['connection.redis', { connection: { redis: 'http://x' } }],
    ['prefix', { prefix: 'a:b' }],
    ['queues.emails.concurrency', { queues: { emails: { concurrency: 0 } } }],
    ['queues.emails.limiter', { queues: { emails: { limiter: { max: 0, duration: 1 } } } }],
    ['defaultJobOptions.attempts', { defaultJobOptions: { attempts: 0 } }],
    ['defaultJobOptions.backoff', { defaultJobOptions: { backoff: { type: 'weird', delay: 1 } } }],
    ['workers', { workers: 'yes' }],
    ['shutdownTimeout', { shutdownTimeout: -1 }],
    ['maxPayloadBytes', { maxPayloadBytes: 0 }],
    ['eventStreamLength', { eventStreamLength: 0 }],
  ])('rejects a bad "%s" with a JobsConfigurationError naming it', (option, override) => {
    const call = () => resolveJobsOptions({ connection, ...override });
    expect(call).toThrow(JobsConfigurationError);
    expect(call).toThrow(`"${option}"`);
  });
});

describe('resolveJobsOptions with PostgreSQL', () => {
  it('takes a URL or pool settings, a schema and migrate', () => {
    const postgres = { postgres: { connectionString: 'postgres://u@h/db', max: 4 }, schema: 'app_jobs', migrate: true };
    expect(resolveJobsOptions({ connection: postgres }).connection).toEqual(postgres);
    expect(resolveJobsOptions({ connection: { postgres: 'postgresql://u@h/db' } }).connection).toEqual({ postgres: 'postgresql://u@h/db' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['connection.postgres', { postgres: 'mysql://u@h/db' }],
    ['connection.postgres', { postgres: 42 }],
    ['connection.schema', { postgres: 'postgres://u@h/db', schema: 'my-jobs' }],
    ['connection.schema', { postgres: 'postgres://u@h/db', schema: 'x'.repeat(64) }],
    ['connection.migrate', { postgres: 'postgres://u@h/db', migrate: 'yes' }],
    ['connection.postgres', { postgres: new pg.Pool({ connectionString: 'postgres://u@h/db' }) }],
  ])('rejects a bad "%s" with a JobsConfigurationError naming it', (option, connection) => {
    const call = () => resolveJobsOptions({ connection } as unknown as JobsModuleOptions);
    expect(call).toThrow(JobsConfigurationError);
    expect(call).toThrow(`"${option}"`);
  });
});

describe('resolveJobsOptions: stalled-job recovery', () => {
  it("takes the module-wide settings for every queue, and a queue's own field by field over them", () => {
    const resolved = resolveJobsOptions({
      connection,
      stalled: { lockDuration: 10_000, interval: 5_000 },
      queues: { emails: { stalled: { interval: 1_000, maxCount: 0 } }, reports: { concurrency: 2 } },
    });
    expect(resolved.stalled).toEqual({ lockDuration: 10_000, interval: 5_000, maxCount: 1 });
    expect(resolved.queues.emails.stalled).toEqual({ lockDuration: 10_000, interval: 1_000, maxCount: 0 });
    expect(resolved.queues.reports.stalled).toEqual(resolved.stalled);
  });

  it.each<[string, Record<string, unknown>]>([
    ['stalled', { stalled: 5000 }],
    ['stalled.lockDuration', { stalled: { lockDuration: 0 } }],
    ['stalled.lockDuration', { stalled: { lockDuration: 1500.5 } }],
    ['stalled.interval', { stalled: { interval: -1 } }],
    ['stalled.interval', { stalled: { interval: 2 ** 31 } }],
    ['stalled.maxCount', { stalled: { maxCount: -1 } }],
    ['stalled.maxCount', { stalled: { maxCount: '1.0' } }],
    ['queues.emails.stalled', { queues: { emails: { stalled: [] } } }],
    ['queues.emails.stalled.lockDuration', { queues: { emails: { stalled: { lockDuration: '2s' } } } }],
    ['queues.emails.stalled.interval', { queues: { emails: { stalled: { interval: 0 } } } }],
    ['queues.emails.stalled.maxCount', { queues: { emails: { stalled: { maxCount: 1.5 } } } }],
  ])('rejects a bad "%s" with a JobsConfigurationError naming it', (option, override) => {
    const call = () => resolveJobsOptions({ connection, ...override });
    expect(call).toThrow(JobsConfigurationError);
    expect(call).toThrow(`"${option}"`);
  });
});

describe('resolveJobsOptions: integers given as numeric strings', () => {
  it('takes a string of decimal digits, as process.env and ConfigService give them, as its number', () => {
    const resolved = resolveJobsOptions({
      connection,
      queues: {
        reports: { concurrency: '4', globalConcurrency: ' 2 ', limiter: { max: '10', duration: '1000' }, stalled: { maxCount: '0' } },
      },
      stalled: { lockDuration: '60000', interval: '15000' },
      defaultJobOptions: {
        attempts: '5',
        timeout: '30000',
        backoff: { type: 'linear', delay: '500' },
        removeOnComplete: '10',
        removeOnFail: { age: '3600', count: '20' },
      },
      shutdownTimeout: '0',
      maxPayloadBytes: '1048576',
    } as unknown as JobsModuleOptions);
    expect(resolved.queues.reports).toEqual({
      concurrency: 4,
      globalConcurrency: 2,
      limiter: { max: 10, duration: 1000 },
      stalled: { lockDuration: 60000, interval: 15000, maxCount: 0 },
    });
    expect(resolved.stalled).toEqual({ lockDuration: 60000, interval: 15000, maxCount: 1 });
    expect(resolved.defaultJobOptions).toEqual({
      attempts: 5,
      timeout: 30000,
      backoff: { type: 'linear', delay: 500 },
      removeOnComplete: 10,
      removeOnFail: { age: 3600, count: 20 },
    });
    expect(resolved).toMatchObject({ shutdownTimeout: 0, maxPayloadBytes: 1048576 });
  });

  it('takes a bare backoff delay as a string too', () => {
    const resolved = resolveJobsOptions({ connection, defaultJobOptions: { backoff: '250' } } as unknown as JobsModuleOptions);
    expect(resolved.defaultJobOptions.backoff).toEqual({ type: 'fixed', delay: 250 });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['queues.reports.concurrency', { queues: { reports: { concurrency: '4.5' } } }, '"4.5"'],
    ['queues.reports.concurrency', { queues: { reports: { concurrency: '4 jobs' } } }, '"4 jobs"'],
    ['queues.reports.concurrency', { queues: { reports: { concurrency: '' } } }, '""'],
    ['queues.reports.concurrency', { queues: { reports: { concurrency: '0' } } }, '"0"'],
    ['queues.reports.globalConcurrency', { queues: { reports: { globalConcurrency: '0x10' } } }, '"0x10"'],
    ['queues.reports.limiter', { queues: { reports: { limiter: { max: '1e3', duration: '1000' } } } }, '"1e3"'],
    ['stalled.lockDuration', { stalled: { lockDuration: '-1' } }, '"-1"'],
    ['stalled.interval', { stalled: { interval: '+1000' } }, '"+1000"'],
    ['defaultJobOptions.attempts', { defaultJobOptions: { attempts: '3.0' } }, '"3.0"'],
    ['defaultJobOptions.timeout', { defaultJobOptions: { timeout: '99999999999999999999' } }, '"99999999999999999999"'],
    ['defaultJobOptions.backoff', { defaultJobOptions: { backoff: { type: 'fixed', delay: '1.5' } } }, '"1.5"'],
    ['defaultJobOptions.removeOnComplete', { defaultJobOptions: { removeOnComplete: 'ten' } }, '"ten"'],
    ['shutdownTimeout', { shutdownTimeout: '10 s' }, '"10 s"'],
    ['maxPayloadBytes', { maxPayloadBytes: '512kb' }, '"512kb"'],
  ])('refuses "%s" given any other string, naming the option and the value', (option, override, value) => {
    const call = () => resolveJobsOptions({ connection, ...override });
    expect(call).toThrow(JobsConfigurationError);
    expect(call).toThrow(`"${option}"`);
    expect(call).toThrow(value);
  });
});
