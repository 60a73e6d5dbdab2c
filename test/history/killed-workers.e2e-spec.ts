import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { JobProcessor, type JobHandler, type JobsModuleExtras, type JobsModuleOptions } from '../../lib/index.js';
import { JobExecution } from '../../lib/history.entry.js';
import { DATABASES, type DatabaseKind, type TestDatabase, migratedHistory } from '../support/databases.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { BACKEND, deletePrefix, migrateQueues, queueConnection, rawQueue, uniquePrefix } from '../support/services.js';
import { waitUntil } from '../support/wait.js';

/** The shape of the run; every duration in ms. */
const RUN = {
  jobs: 3_000,
  /** Jobs are added in this many batches spread over `enqueueMs`, so every kill finds jobs running and rows unwritten. */
  batches: 30,
  enqueueMs: 12_000,
  workers: 3,
  concurrency: 10,
  /** Most ms one attempt works (at random from 1 ms). */
  workMs: 40,
  /** Kill k comes once k/(kills + 2) of the jobs have ended, while later batches still arrive and run. */
  kills: 5,
  readyTimeout: 30_000,
  /** With `stalled` below, a killed worker's jobs run again within about 6 s (BullMQ's defaults: 30-60 s). */
  finishTimeout: 60_000,
  historyTimeout: 30_000,
};

const JOB = { name: 'kw.work', queue: 'work' } as const;
interface WorkData {
  i: number;
  failFirst: boolean;
  failAlways: boolean;
}
const workData = (i: number): WorkData => ({ i, failFirst: i % 4 === 1, failAlways: i % 50 === 3 });

/**
 * The worker processes' options, and the producer's (which adds `workers: false`), so jobs carry the same options.
 * KILLED_WORKERS_JOBS_OPTIONS (JSON) adds to them or replaces them, e.g. `{"stalled":{}}` for BullMQ's lock defaults.
 */
const MODULE_OPTIONS: Partial<JobsModuleOptions> & JobsModuleExtras = {
  queues: { [JOB.queue]: { concurrency: RUN.concurrency } },
  // Finished jobs are kept, so each one's attemptsMade can be compared with its rows.
  defaultJobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 50 }, removeOnComplete: false, removeOnFail: false },
  history: true,
  stalled: { lockDuration: 4_000, interval: 2_000 },
  ...JSON.parse(process.env.KILLED_WORKERS_JOBS_OPTIONS ?? '{}'),
};

/** The producer's view of the job: it only enqueues; the worker processes run it (test/history/fixtures/worker-app.mjs). */
@JobProcessor(JOB.name, { queue: JOB.queue })
class WorkJob implements JobHandler<WorkData, never> {
  handle(): never {
    throw new Error('runs in the worker processes only');
  }
}

const root = new URL('../../', import.meta.url).pathname;

/** Worker processes of the fixture app; each killed one is replaced by a fresh one. */
class WorkerProcesses {
  readonly kills: number[] = [];
  readonly unexpectedExits: string[] = [];
  private readonly live = new Map<ChildProcess, { ready: boolean; stderr: string }>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(): void {
    const child = spawn(process.execPath, ['test/history/fixtures/worker-app.mjs'], { cwd: root, env: this.env });
    const state = { ready: false, stderr: '' };
    this.live.set(child, state);
    child.stdout.on('data', (chunk: Buffer) => (state.ready ||= chunk.toString().split('\n').includes('READY')));
    child.stderr.on('data', (chunk: Buffer) => (state.stderr = (state.stderr + chunk.toString()).slice(-2_000)));
    child.on('exit', (code, signal) => {
      if (this.live.delete(child))
        this.unexpectedExits.push(`pid ${child.pid} exited (${code ?? signal}): ${state.stderr.trim() || 'no output'}`);
    });
  }

  get ready(): ChildProcess[] {
    return [...this.live].filter(([, s]) => s.ready).map(([child]) => child);
  }

  waitReady(count: number, timeout: number): Promise<unknown> {
    return waitUntil(() => this.ready.length >= count, timeout, `${count} ready worker processes`).catch((err: Error) => {
      const stderr = [...this.live.values()].map((s) => s.stderr.trim()).filter(Boolean);
      throw new Error(`${err.message}; they wrote: ${stderr.join('\n') || '(nothing)'}; ${this.unexpectedExits.join('\n')}`);
    });
  }

  /**
   * SIGKILLs a ready process, as a crash or an OOM kill would end it, and starts a fresh one: the given pid if it is
   * one of them, else one at random.
   */
  async killOne(pid?: number): Promise<void> {
    await this.waitReady(1, RUN.readyTimeout);
    const ready = this.ready;
    const victim = ready.find((child) => child.pid === pid) ?? ready[Math.floor(Math.random() * ready.length)];
    this.live.delete(victim);
    victim.kill('SIGKILL');
    this.kills.push(victim.pid!);
    this.start();
  }

  async stopAll(): Promise<void> {
    const children = [...this.live.keys()];
    this.live.clear();
    await Promise.all(
      children.map(async (c) => (c.exitCode === null && c.signalCode === null ? (c.kill('SIGKILL'), once(c, 'exit')) : undefined)),
    );
  }
}

interface FinishedJob {
  id: string;
  state: 'completed' | 'failed';
  attemptsMade: number;
  stalled: number;
}

/** What history holds compared with what the queue says happened: one row per attempt made, each with its status. */
function audit(jobs: FinishedJob[], rows: Array<Pick<JobExecution, 'jobId' | 'attempt' | 'status'>>) {
  const byJob = new Map<string, typeof rows>();
  for (const row of rows) byJob.set(row.jobId, [...(byJob.get(row.jobId) ?? []), row]);
  const result = {
    expectedRows: 0,
    rowsFound: rows.length,
    missingRows: 0,
    jobsMissingRows: 0,
    duplicateRows: 0,
    extraRows: 0,
    wrongStatus: 0,
  };
  const wrong: Record<string, number> = {};
  const lost: Record<string, number> = {};
  // A few examples of each kind of problem, for the report.
  const samples = { missing: [] as string[], wrongStatus: [] as string[], extra: [] as string[] };
  const sample = (kind: keyof typeof samples, line: string) => samples[kind].length < 4 && samples[kind].push(line);
  for (const job of jobs) {
    const attempts = new Map<number, string>();
    for (const row of byJob.get(job.id) ?? []) {
      if (attempts.has(row.attempt)) result.duplicateRows++;
      attempts.set(row.attempt, row.status);
      if (row.attempt < 1 || row.attempt > job.attemptsMade) {
        result.extraRows++;
        sample('extra', `job ${job.id} (${job.state} after ${job.attemptsMade}) has a row for attempt ${row.attempt} (${row.status})`);
      }
    }
    byJob.delete(job.id);
    result.expectedRows += job.attemptsMade;
    const missing: number[] = [];
    for (let attempt = 1; attempt <= job.attemptsMade; attempt++) {
      const expected = attempt < job.attemptsMade ? 'retrying' : job.state;
      const found = attempts.get(attempt);
      if (found === undefined) {
        missing.push(attempt);
        lost[expected] = (lost[expected] ?? 0) + 1;
      } else if (found !== expected) {
        result.wrongStatus++;
        wrong[`${expected} recorded as ${found}`] = (wrong[`${expected} recorded as ${found}`] ?? 0) + 1;
        sample(
          'wrongStatus',
          `job ${job.id} attempt ${attempt}: ${expected} recorded as ${found}${job.stalled ? ` (stalled ${job.stalled}x)` : ''}`,
        );
      }
    }
    if (missing.length) {
      result.missingRows += missing.length;
      result.jobsMissingRows++;
      sample('missing', `job ${job.id} (${job.state} after ${job.attemptsMade}) has no row for attempt ${missing.join(', ')}`);
    }
  }
  for (const [jobId, orphans] of byJob) {
    result.extraRows += orphans.length;
    sample('extra', `job ${jobId} is not in the queue but has ${orphans.length} row(s)`);
  }
  return { ...result, missingKinds: lost, wrongStatusKinds: wrong, samples };
}

type Audit = ReturnType<typeof audit>;
const summary = (a: Audit) =>
  [
    `expected rows ${a.expectedRows}`,
    `rows found ${a.rowsFound}`,
    `missing ${a.missingRows} (of ${a.jobsMissingRows} jobs) ${JSON.stringify(a.missingKinds)}`,
    `wrong status ${a.wrongStatus} ${JSON.stringify(a.wrongStatusKinds)}`,
    `extra ${a.extraRows}`,
    `duplicate ${a.duplicateRows}`,
  ].join('\n');
const flawless = (a: Audit): Audit => ({
  ...a,
  rowsFound: a.expectedRows,
  missingRows: 0,
  jobsMissingRows: 0,
  duplicateRows: 0,
  extraRows: 0,
  wrongStatus: 0,
  missingKinds: {},
  wrongStatusKinds: {},
});

describe.each(['postgres', 'mariadb'] as DatabaseKind[])(`history on %s, queues on ${BACKEND}, with worker processes killed`, (kind) => {
  const prefix = uniquePrefix('killed');
  let reader: ReturnType<typeof rawQueue>;
  let db: TestDatabase;
  let dataSource: DataSource;
  let producer: JobsTestApp;
  let workers: WorkerProcesses;

  beforeAll(async () => {
    db = await DATABASES[kind]();
    // Migrated once up front, as a deployment step would: worker processes then start, and restart, together.
    dataSource = await migratedHistory(db.options);
    await migrateQueues(prefix);
    reader = rawQueue(JOB.queue, prefix);
    producer = await createJobsApp([WorkJob], { ...MODULE_OPTIONS, history: false, workers: false, prefix }, { cleanup: false });
    workers = new WorkerProcesses({
      ...process.env,
      NODE_OPTIONS: '',
      JOBS_CONNECTION: JSON.stringify(queueConnection(prefix)),
      PREFIX: prefix,
      HISTORY_DB: JSON.stringify(db.options),
      JOBS_OPTIONS: JSON.stringify(MODULE_OPTIONS),
      WORKLOAD: JSON.stringify({ ...JOB, workMs: RUN.workMs }),
    });
  });

  afterAll(async () => {
    await workers?.stopAll();
    await producer?.close();
    await reader?.close();
    await dataSource?.destroy();
    await db?.drop();
    await deletePrefix(prefix);
  });

  it(
    `keeps a row for every attempt of ${RUN.jobs} jobs while ${RUN.kills} worker processes are SIGKILLed`,
    async () => {
      const started = Date.now();
      for (let i = 0; i < RUN.workers; i++) workers.start();
      await workers.waitReady(RUN.workers, RUN.readyTimeout);
      const readyAt = Date.now();

      const enqueue = async () => {
        const perBatch = Math.ceil(RUN.jobs / RUN.batches);
        const from = Date.now();
        for (let b = 0; b * perBatch < RUN.jobs; b++) {
          const count = Math.min(perBatch, RUN.jobs - b * perBatch);
          await producer.jobs.addBulk(Array.from({ length: count }, (_, k) => ({ name: JOB.name, data: workData(b * perBatch + k) })));
          await sleep(Math.max(0, from + ((b + 1) * RUN.enqueueMs) / RUN.batches - Date.now()));
        }
      };
      const streamChecker = async () => {
        const [lease] = await dataSource.query(`SELECT owner FROM job_history_cursors WHERE queue LIKE '%/${JOB.queue}'`);
        return Number(String(lease?.owner ?? '').split(':')[1]);
      };
      let checker: number | undefined;
      // Each kill comes once a further share of the jobs has ended, so it always lands mid-work, whatever the machine's pace.
      const ended = async () => {
        const counts = await reader.queue.getJobCounts('completed', 'failed');
        return (counts.completed ?? 0) + (counts.failed ?? 0);
      };
      const kill = async () => {
        for (let k = 1; k <= RUN.kills; k++) {
          const share = Math.floor((k * RUN.jobs) / (RUN.kills + 2));
          await waitUntil(async () => (await ended()) >= share, 60_000, `${share} jobs ended before kill ${k}`);
          // The first kill takes the instance that checks the queue's event stream, so another must take over.
          if (k === 1) checker = await streamChecker();
          await workers.killOne(k === 1 ? checker : undefined);
        }
      };
      await Promise.all([enqueue(), kill()]);
      const killedAt = Date.now();

      const { queue } = reader;
      let counts: Record<string, number> = {};
      await waitUntil(
        async () => {
          counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
          return counts.completed + counts.failed === RUN.jobs;
        },
        RUN.finishTimeout,
        `every job to finish`,
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(counts)}`);
      });
      const finishedAt = Date.now();

      const read = async (state: FinishedJob['state']) =>
        ((await queue.getJobs([state], 0, -1)) as Job[])
          .filter(Boolean)
          .map((j) => ({ id: j.id!, state, attemptsMade: j.attemptsMade, stalled: j.stalledCounter }));
      const jobs = [...(await read('completed')), ...(await read('failed'))];
      expect(jobs).toHaveLength(RUN.jobs);

      const executions = dataSource.getRepository(JobExecution);
      let result!: Audit;
      await waitUntil(
        async () => {
          const rows = await executions.find({
            select: { jobId: true, attempt: true, status: true },
            where: { queue: JOB.queue, name: JOB.name },
          });
          result = audit(jobs, rows);
          return summary(result) === summary(flawless(result));
        },
        RUN.historyTimeout,
        'complete history',
      ).catch((err: Error) => {
        if (!result) throw err; // what is missing after the deadline is reported below
      });

      const failed = jobs.filter((j) => j.state === 'failed').length;
      const stalled = jobs.filter((j) => j.stalled > 0).length;
      console.log(
        [
          `history on ${kind}, queues on ${BACKEND}: ${RUN.kills} kills; ${jobs.length} jobs (${jobs.length - failed} completed, ${failed} failed, ${stalled} re-run after a kill)`,
          summary(result),
          `ms: workers ready ${readyAt - started}, enqueue and kills ${killedAt - readyAt}, queue finished ${finishedAt - killedAt}, history read ${Date.now() - finishedAt}`,
          ...Object.values(result.samples).flat(),
        ].join('\n'),
      );
      expect(workers.unexpectedExits).toEqual([]);
      expect(workers.kills).toHaveLength(RUN.kills);
      expect(workers.kills[0]).toBe(checker);
      // Compared as text, so a failure names each count that is off next to what it should be.
      expect(summary(result)).toBe(summary(flawless(result)));
    },
    RUN.readyTimeout * 2 + RUN.enqueueMs + RUN.finishTimeout + RUN.historyTimeout + 30_000,
  );
});
