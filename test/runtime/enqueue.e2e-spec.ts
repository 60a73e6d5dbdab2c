import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IsEmail, IsInt, Min } from 'class-validator';
import {
  InvalidJobOptionsError,
  InvalidPriorityError,
  InvalidRunAtError,
  JobPayloadTooLargeError,
  JobPayloadValidationError,
  JobProcessor,
  UnknownJobError,
  type JobHandler,
} from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';

class InviteDto {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(1)
  seats!: number;
}

@JobProcessor('invite.send', { queue: 'mail', schema: InviteDto })
class InviteJob implements JobHandler<InviteDto, boolean> {
  handle(data: InviteDto) {
    return data instanceof InviteDto;
  }
}

// Typing `add` by job name: the payload of 'invite.send' is checked at compile time (`npm run typecheck`).
declare module '../../lib/index.js' {
  interface JobHandlers {
    'invite.send': InviteJob;
  }
}

describe('enqueue-time checks', () => {
  let t: JobsTestApp;
  beforeAll(async () => {
    t = await createJobsApp([InviteJob], { workers: false, maxPayloadBytes: 200 });
  });
  afterAll(() => t.close());

  const nothingQueued = async () => {
    const counts = await t.jobs.counts('mail');
    expect(counts.waiting + counts.prioritized + counts.delayed).toBe(0);
  };

  it('refuses an unknown job name, listing the known ones', async () => {
    const err = await t.jobs.add('invite.sned', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownJobError);
    expect((err as Error).message).toBe('Unknown job "invite.sned"; known jobs: invite.send.');
    await nothingQueued();
  });

  it('refuses a payload that fails its schema, naming each field and constraint', async () => {
    // @ts-expect-error seats must be a number
    const err = await t.jobs.add('invite.send', { email: 'nope', seats: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobPayloadValidationError);
    const fields = (err as JobPayloadValidationError).errors;
    expect(fields.map((f) => f.field).sort()).toEqual(['email', 'seats']);
    expect(Object.keys(fields.find((f) => f.field === 'seats')!.constraints)).toEqual(expect.arrayContaining(['isInt', 'min']));
    await nothingQueued();
  });

  it('refuses a payload over maxPayloadBytes', async () => {
    const err = await t.jobs.add('invite.send', { email: `${'a'.repeat(300)}@example.com`, seats: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobPayloadTooLargeError);
    expect(err).toMatchObject({ limit: 200, code: 'JOB_PAYLOAD_TOO_LARGE' });
    await nothingQueued();
  });

  it.each([
    ['runAt', { runAt: new Date(Date.now() - 1_000) }],
    ['priority', { priority: 'urgent' as never }],
    ['priority', { priority: 0 }],
    ['attempts', { attempts: 0 }],
    ['delay', { delay: -5 }],
    ['jobId', { jobId: '' }],
  ])('refuses an invalid %s', async (option, options) => {
    const err = await t.jobs.add('invite.send', { email: 'a@example.com', seats: 1 }, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidJobOptionsError);
    expect((err as InvalidJobOptionsError).option).toBe(option);
    await nothingQueued();
  });

  it('gives runAt in the past and an unknown priority their own error classes', async () => {
    const payload = { email: 'a@example.com', seats: 1 };
    await expect(t.jobs.add('invite.send', payload, { runAt: new Date(0) })).rejects.toBeInstanceOf(InvalidRunAtError);
    await expect(t.jobs.add('invite.send', payload, { priority: 'asap' as never })).rejects.toBeInstanceOf(InvalidPriorityError);
  });

  it('validates every item of a bulk add before queueing any', async () => {
    const err = await t.jobs
      .addBulk([
        { name: 'invite.send', data: { email: 'a@example.com', seats: 1 } },
        { name: 'invite.send', data: { email: 'b@example.com', seats: 0 } },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobPayloadValidationError);
    await nothingQueued();
  });

  it('queues a valid payload at the requested time', async () => {
    const runAt = new Date(Date.now() + 60_000);
    const { id } = await t.jobs.add('invite.send', { email: 'a@example.com', seats: 2 }, { runAt });
    const info = await t.jobs.get(id);
    expect(info?.state).toBe('delayed');
    expect(Math.abs(info!.runAt!.getTime() - runAt.getTime())).toBeLessThan(1_000);
  });
});
