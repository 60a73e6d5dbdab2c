import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { BullModule, InjectQueue, Processor, WorkerHost, getQueueToken, getSharedConfigToken } from '@nestjs/bullmq';
import { Test } from '@nestjs/testing';
import type { Job, Queue } from 'bullmq';
import { IsEmail } from 'class-validator';
import { JobEventBus, JobProcessor, JobService, JobsModule, type JobHandler } from '../../lib/index.js';
import { queueToken } from '../../lib/runtime/queue-injection.js';
import { REDIS_URL, deleteRedisPrefix, uniquePrefix } from '../support/services.js';
import { testLogger } from '../support/logger.js';
import { EventLog, waitUntil } from '../support/wait.js';

class Mail {
  @IsEmail() to!: string;
}

@Injectable()
@JobProcessor('mail.send', { queue: 'emails', schema: Mail, attempts: 2 })
class MailJob implements JobHandler<Mail, string> {
  async handle(data: Mail) {
    return `sent to ${data.to}`;
  }
}

/** A host's existing @nestjs/bullmq worker on a queue of its own. */
@Processor('legacy')
class LegacyWorker extends WorkerHost {
  readonly seen: unknown[] = [];
  async process(job: Job) {
    this.seen.push(job.data);
    return 'legacy done';
  }
}

/** Host code that reads queues directly, theirs and ours alike. */
@Injectable()
class Dashboard {
  constructor(
    @InjectQueue('emails') readonly emails: Queue,
    @InjectQueue('legacy') readonly legacy: Queue,
  ) {}
}

@Module({
  imports: [BullModule.registerQueue({ name: 'legacy' }), JobsModule.registerQueue('emails')],
  providers: [Dashboard, LegacyWorker],
})
class DashboardModule {}

describe('beside @nestjs/bullmq, on one Redis', () => {
  const prefix = uniquePrefix('interop');
  let app: INestApplicationContext;
  let events: EventLog;

  beforeAll(async () => {
    const url = new URL(REDIS_URL);
    const moduleRef = await Test.createTestingModule({
      imports: [
        BullModule.forRoot({ connection: { host: url.hostname, port: Number(url.port) }, prefix }),
        // The connection the host gave BullModule, reused: no second place to configure Redis.
        JobsModule.forRootAsync({
          inject: [getSharedConfigToken()],
          useFactory: (shared: { connection: object; prefix: string }) => ({
            connection: { redis: shared.connection },
            prefix: shared.prefix,
          }),
        }),
        DashboardModule,
      ],
      providers: [MailJob],
    })
      .setLogger(testLogger())
      .compile();
    app = await moduleRef.init();
    events = new EventLog(app.get(JobEventBus));
  });
  afterAll(async () => {
    await app?.close();
    events?.stop();
    await deleteRedisPrefix(prefix);
  });

  it("gives @InjectQueue our queue under @nestjs/bullmq's own token", () => {
    expect(queueToken('emails')).toBe(getQueueToken('emails'));
    const { emails, legacy } = app.get(Dashboard, { strict: false });
    expect([emails.name, emails.opts.prefix]).toEqual(['emails', prefix]);
    expect([legacy.name, legacy.opts.prefix]).toEqual(['legacy', prefix]);
  });

  it('runs a JobService job in our processor and a host job in its WorkerHost, side by side', async () => {
    const jobs = app.get(JobService);
    const { id } = await jobs.add('mail.send', { to: 'ada@example.com' });
    const { legacy } = app.get(Dashboard, { strict: false });
    const legacyJob = await legacy.add('sync', { n: 1 });
    expect((await events.waitFor('completed', id)).result).toBe('sent to ada@example.com');
    await waitUntil(async () => (await legacy.getJob(legacyJob.id!))?.returnvalue === 'legacy done', 10_000);
    expect(app.get(LegacyWorker, { strict: false }).seen).toEqual([{ n: 1 }]);
    expect(jobs.queueNames()).toEqual(expect.arrayContaining(['emails']));
    expect(jobs.queueNames()).not.toContain('legacy');
  });

  it("runs a job added through the raw queue in our processor, with none of JobService's checks or defaults", async () => {
    const { emails } = app.get(Dashboard, { strict: false });
    const raw = await emails.add('mail.send', { to: 'not-an-email' });
    const ended = await events.waitFor('completed', raw.id);
    expect(ended.result).toBe('sent to not-an-email');
    const stored = await emails.getJob(raw.id!);
    // Not the module's defaults (3 attempts, priority "normal" = 100): BullMQ's one attempt and no priority.
    expect([stored?.opts.attempts ?? 0, stored?.opts.priority ?? 0]).toEqual([0, 0]);
  });
});
