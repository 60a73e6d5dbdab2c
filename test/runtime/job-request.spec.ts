import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Type } from 'class-transformer';
import { IsEmail, IsString, Length, ValidateNested } from 'class-validator';
import { JobRegistry } from '../../lib/runtime/job.registry.js';
import { InvalidJobOptionsError, JobPayloadTooLargeError, JobPayloadValidationError, UnknownJobError } from '../../lib/jobs.errors.js';
import { resolveJobsOptions, type ResolvedJobsOptions } from '../../lib/jobs.options.js';
import type { JobAddOptions } from '../../lib/interfaces/job-options.interface.js';
import { baseJobOptions } from '../../lib/policy/job-options.policy.js';
import { JobRequestBuilder } from '../../lib/runtime/job-request.builder.js';

class Address {
  @IsString()
  city!: string;
}

class SendEmailDto {
  @IsEmail()
  to!: string;

  @IsString()
  @Length(1, 100)
  subject!: string;

  @ValidateNested()
  @Type(() => Address)
  address!: Address;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const valid = { to: 'ann@example.com', subject: 'Hello', address: { city: 'Oslo' } };

function builderWith(extra: Partial<Parameters<typeof resolveJobsOptions>[0]> = {}): JobRequestBuilder {
  const options: ResolvedJobsOptions = resolveJobsOptions({ connection: { redis: 'redis://127.0.0.1:6379' }, ...extra });
  const registry = new JobRegistry();
  registry.register({
    kind: 'processor',
    name: 'email.send',
    queue: 'emails',
    className: 'X',
    handler: { handle() {} },
    options: { schema: SendEmailDto },
    baseOptions: baseJobOptions({}, options.defaultJobOptions, (o, d) => {
      throw new Error(o + d);
    }),
  });
  return new JobRequestBuilder(registry, options);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

describe('JobRequestBuilder.build', () => {
  const builder = builderWith();

  it('refuses an unknown name and lists the known ones', async () => {
    const error = await rejection(builder.build('email.sned', valid));
    expect(error).toBeInstanceOf(UnknownJobError);
    expect(error).toMatchObject({ jobName: 'email.sned', knownNames: ['email.send'] });
    expect((error as Error).message).toContain('email.send');
  });

  describe('payload', () => {
    it('refuses one that fails the schema, listing each field and constraint', async () => {
      const error = await rejection(builder.build('email.send', { ...valid, to: 'not-an-email', address: { city: 42 } }));
      expect(error).toBeInstanceOf(JobPayloadValidationError);
      const errors = (error as JobPayloadValidationError).errors;
      expect(errors.map((e) => e.field).sort()).toEqual(['address.city', 'to']);
      expect(errors.find((e) => e.field === 'to')?.constraints).toHaveProperty('isEmail');
      expect(errors.find((e) => e.field === 'address.city')?.constraints).toHaveProperty('isString');
    });

    it.each([
      ['a string', 'hello'],
      ['null', null],
      ['an array', [valid]],
    ])('refuses %s where an object is expected', async (_, data) => {
      const error = await rejection(builder.build('email.send', data));
      expect(error).toBeInstanceOf(JobPayloadValidationError);
      expect((error as JobPayloadValidationError).errors).toEqual([
        { field: '(payload)', constraints: { isObject: 'payload must be an object' } },
      ]);
    });

    it('refuses one larger than maxPayloadBytes, giving size and limit', async () => {
      const data = { ...valid, subject: 'x'.repeat(90) };
      const size = Buffer.byteLength(JSON.stringify(data));
      const error = await rejection(builderWith({ maxPayloadBytes: 100 }).build('email.send', data));
      expect(error).toBeInstanceOf(JobPayloadTooLargeError);
      expect(error).toMatchObject({ size, limit: 100 });
      expect(size).toBeGreaterThan(100);
    });
  });

  describe('options', () => {
    it.each<[string, string, JobAddOptions]>([
      ['runAt in the past', 'runAt', { runAt: new Date(Date.now() - 1000) }],
      ['runAt an invalid date', 'runAt', { runAt: new Date('nope') }],
      ['runAt together with delay', 'runAt', { runAt: new Date(Date.now() + 60_000), delay: 10 }],
      ['a negative delay', 'delay', { delay: -1 }],
      ['attempts 0', 'attempts', { attempts: 0 }],
      ['timeout 0', 'timeout', { timeout: 0 }],
      ['an empty jobId', 'jobId', { jobId: '' }],
      ['a jobId that is not a string', 'jobId', { jobId: 42 as never }],
      ['a jobId over 255 characters', 'jobId', { jobId: 'x'.repeat(256) }],
      ['an unknown priority', 'priority', { priority: 'urgent' as never }],
      ['an unknown backoff type', 'backoff', { backoff: { type: 'nope' as never, delay: 1 } }],
    ])('refuses %s with an InvalidJobOptionsError on "%s"', async (_, option, opts) => {
      const error = await rejection(builder.build('email.send', valid, opts));
      expect(error).toBeInstanceOf(InvalidJobOptionsError);
      expect((error as InvalidJobOptionsError).option).toBe(option);
    });
  });

  describe('a valid call', () => {
    const now = 1_700_000_000_000;
    beforeEach(() => {
      jest.spyOn(Date, 'now').mockReturnValue(now);
    });
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('returns the job and its data untouched', async () => {
      const request = await builder.build('email.send', valid);
      expect(request.job.name).toBe('email.send');
      expect(request.data).toBe(valid);
    });

    it('starts from the defaults: priority normal, 3 attempts, exponential backoff of 2 s', async () => {
      const { opts } = await builder.build('email.send', valid);
      expect(opts).toMatchObject({ priority: 100, attempts: 3, backoff: { type: 'jobs.exponential', delay: 2000 } });
    });

    it('generates a UUID jobId for each job', async () => {
      const first = await builder.build('email.send', valid);
      const second = await builder.build('email.send', valid);
      expect(first.opts.jobId).toMatch(UUID);
      expect(second.opts.jobId).not.toBe(first.opts.jobId);
    });

    it('keeps a jobId that is given', async () => {
      const { opts } = await builder.build('email.send', valid, { jobId: 'welcome-42' });
      expect(opts.jobId).toBe('welcome-42');
    });

    it('turns runAt 5 s ahead into a delay of 5000 ms', async () => {
      const { opts } = await builder.build('email.send', valid, { runAt: new Date(now + 5000) });
      expect(opts.delay).toBe(5000);
    });

    it('carries the timeout in opts.timeout', async () => {
      const { opts } = await builder.build('email.send', valid, { timeout: 1500 });
      expect(opts.timeout).toBe(1500);
    });

    it('passes deduplication through', async () => {
      const { opts } = await builder.build('email.send', valid, { deduplication: { id: 'ann', ttl: 60_000 } });
      expect(opts.deduplication).toEqual({ id: 'ann', ttl: 60_000 });
    });
  });
});
