import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppEvents, JobService, JobsModule, OnAppEvent, type JobsModuleExtras, type JobsModuleOptions } from '../../lib/index.js';
import { ChildApp } from '../support/child-app.js';
import { DATABASES, migratedHistory, type TestDatabase } from '../support/databases.js';
import { testLogger } from '../support/logger.js';
import { deletePrefix, migrateQueues, queueConnection, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

const RUN = { events: 300, processes: 3, killAfterDeliveries: 150 };
const SUBSCRIBERS = { audit: 'event:Audit.any', mailer: 'event:Mailer.created' } as const;

/** The options of every process of the app: the fixture's and the emitting one's. */
const OPTIONS: Partial<JobsModuleOptions> & JobsModuleExtras = {
  queues: { events: { concurrency: 5 } },
  // Finished deliveries are kept, so each one's state can be read at the end.
  defaultJobOptions: { removeOnComplete: false, removeOnFail: false },
  // A killed process's deliveries run again within seconds (BullMQ's defaults: 30-60 s).
  stalled: { lockDuration: 4_000, interval: 2_000 },
  history: { flushInterval: 200 },
  events: true,
};

// The emitting process knows the subscribers (the same code as the fixture's, test/events/fixtures/subscriber-app.mjs)
// but runs no job: each delivery runs in one of the fixture processes.
@Injectable()
class Audit {
  @OnAppEvent('user.*')
  any(): void {
    throw new Error('runs in the subscriber processes only');
  }
}

@Injectable()
class Mailer {
  @OnAppEvent('user.created', { attempts: 3, backoff: 0 })
  created(): void {
    throw new Error('runs in the subscriber processes only');
  }
}

interface Ran {
  subscriber: 'audit' | 'mailer';
  eventId: string;
  attempt: number;
  ok: boolean;
  pid: number;
}

describe('application events across processes, one SIGKILLed mid-work', () => {
  const prefix = uniquePrefix('events-procs');
  let db: TestDatabase;
  let emitter: TestingModule;
  const children: ChildApp[] = [];
  const ran: Ran[] = [];

  const start = () => {
    const child = new ChildApp('test/events/fixtures/subscriber-app.mjs', {
      JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)),
      PREFIX: prefix,
      HISTORY_DB: JSON.stringify(db.options),
      JOBS_OPTIONS: JSON.stringify(OPTIONS),
    });
    child.onLine((line) => {
      const [word, subscriber, eventId, attempt, outcome] = line.split(' ');
      if (word === 'RAN')
        ran.push({ subscriber: subscriber as Ran['subscriber'], eventId, attempt: Number(attempt), ok: outcome === 'ok', pid: child.pid });
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    db = await DATABASES.postgres();
    await (await migratedHistory(db.options)).destroy();
    await migrateQueues(prefix);
    emitter = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...db.options, autoLoadEntities: true }),
        JobsModule.forRoot({ ...OPTIONS, connection: queueConnection(prefix), prefix, workers: false }),
      ],
      providers: [Audit, Mailer],
    })
      .setLogger(testLogger())
      .compile();
    await emitter.init();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    await emitter?.close();
    await deletePrefix(prefix);
    await db?.drop();
  });

  it('runs each (event, subscriber) pair to one success, retries a failing subscriber alone, and records each once', async () => {
    for (let i = 0; i < RUN.processes; i++) start();
    await Promise.all(children.map((c) => c.waitForLine('READY', 30_000)));

    const events = emitter.get(AppEvents);
    const ids: string[] = [];
    const emit = async (from: number, to: number) => {
      for (let n = from; n < to; n++) ids.push(await events.emit('user.created', { n }, { source: `p${n % 3}` }));
    };
    await emit(0, RUN.events / 2);
    // Killed while it runs deliveries, as a crash or an OOM kill would end it; a fresh process takes its place.
    await waitUntil(() => ran.length >= RUN.killAfterDeliveries, 30_000, `${RUN.killAfterDeliveries} deliveries`);
    const victim = children[0];
    await victim.stop('SIGKILL');
    expect(ran.some((r) => r.pid === victim.pid)).toBe(true);
    start();
    await emit(RUN.events / 2, RUN.events);

    const pairs = ids.flatMap((id) => [`audit/${id}`, `mailer/${id}`]);
    const succeeded = () => new Set(ran.filter((r) => r.ok).map((r) => `${r.subscriber}/${r.eventId}`));
    await waitUntil(() => succeeded().size === pairs.length, 60_000, `${pairs.length} successful deliveries`);

    // Nothing lost: every pair succeeded, and its delivery job is completed in the queue.
    expect([...succeeded()].sort()).toEqual([...pairs].sort());
    const jobs = emitter.get(JobService);
    const jobIds = ids.flatMap((id) => [`${id}:${SUBSCRIBERS.audit}`, `${id}:${SUBSCRIBERS.mailer}`]);
    const states = await waitUntil(
      async () => {
        const found = await Promise.all(jobIds.map((id) => jobs.get(id)));
        return found.every((j) => j?.state === 'completed') && found;
      },
      30_000,
      'every delivery job completed',
    );
    expect(states).toHaveLength(RUN.events * 2);

    // Ran twice only where the killed process had run it and died before the queue learnt of its end.
    const successes = new Map<string, Ran[]>();
    for (const r of ran.filter((x) => x.ok))
      successes.set(`${r.subscriber}/${r.eventId}`, [...(successes.get(`${r.subscriber}/${r.eventId}`) ?? []), r]);
    const twice = [...successes.values()].filter((list) => list.length > 1);
    expect(twice.every((list) => list.some((r) => r.pid === victim.pid))).toBe(true);
    // At most what the victim had in hand: its concurrency.
    expect(twice.length).toBeLessThanOrEqual(5);

    // A failing subscriber retries alone: Audit's delivery of the same event ran once (barring the kill).
    const failingEvents = ids.filter((_, n) => n % 5 === 0);
    for (const id of failingEvents) {
      const mail = ran.filter((r) => r.subscriber === 'mailer' && r.eventId === id && r.pid !== victim.pid);
      expect(mail.filter((r) => r.ok).every((r) => r.attempt >= 2)).toBe(true);
      const audit = ran.filter((r) => r.subscriber === 'audit' && r.eventId === id);
      expect(audit.filter((r) => r.ok).length === 1 || audit.some((r) => r.pid === victim.pid)).toBe(true);
    }

    // History: each delivery has exactly one completed row, written by whichever process ran it, and the stored event
    // lists both deliveries as completed.
    const dataSource = emitter.get(DataSource);
    const rows = await waitUntil(
      async () => {
        const found = await dataSource.query<Array<{ job_id: string; n: number }>>(
          `SELECT job_id, count(*)::int AS n FROM job_executions WHERE queue = 'events' AND status = 'completed' GROUP BY job_id`,
        );
        return found.length === jobIds.length ? found : undefined;
      },
      30_000,
      'a completed row for every delivery',
    );
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(rows.map((r) => r.job_id))).toEqual(new Set(jobIds));
    const [count] = await dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM app_events`);
    expect(count.n).toBe(RUN.events);
  }, 150_000);
});
