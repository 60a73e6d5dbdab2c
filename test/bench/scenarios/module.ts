import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HistoryRecorder, JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS, JobProcessor, JobService, JobsModule, type JobHandler, type JobsModuleOptions } from 'nestjs-jobs';
import type { DataSourceOptions } from 'typeorm';
import { PG_URL, REDIS_URL, createRoleSchema, deletePrefix, dropRoleSchema, dropSchema, uniqueName } from '../services.js';
import { JOB, QUEUE, SkipScenario, inChunks, type BenchHandler, type BenchPayload, type SubjectFactory } from '../subject.js';

const HOOK = 'BENCH_HOOK';
type Hook = { handler: BenchHandler };

@JobProcessor(JOB, { queue: QUEUE })
class BenchJob implements JobHandler<BenchPayload> {
  constructor(@Inject(HOOK) private readonly hook: Hook) {}
  handle(data: BenchPayload): void {
    this.hook.handler(data);
  }
}

@Module({})
class ModuleBenchApp {}

export interface ModuleVariant {
  backend: 'redis' | 'postgres';
  history?: 'sqlite' | 'postgres';
}

/** The history database of one run, created before the app and removed after it. */
async function historyDatabase(kind: 'sqlite' | 'postgres', name: string): Promise<{ options: DataSourceOptions; drop(): Promise<void> }> {
  const shared = { entities: JOB_HISTORY_ENTITIES, migrations: JOB_HISTORY_MIGRATIONS, migrationsRun: true };
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    return {
      options: { type: 'better-sqlite3', database: file, ...shared },
      drop: async () => ['', '-wal', '-shm', '-journal'].forEach((suffix) => rmSync(file + suffix, { force: true })),
    };
  }
  await createRoleSchema(name);
  const url = new URL(PG_URL);
  return {
    options: { type: 'postgres', host: url.hostname, port: Number(url.port || 5432), username: name, database: url.pathname.slice(1), schema: name, ...shared },
    drop: () => dropRoleSchema(name),
  };
}

/** The module's PostgreSQL backend keeps its queues in a schema of the run's own. */
function connectionOf(backend: ModuleVariant['backend'], name: string): JobsModuleOptions['connection'] {
  return backend === 'redis' ? { redis: REDIS_URL } : { postgres: PG_URL, schema: name, migrate: true };
}

async function createApp(root: DynamicModule, backend: ModuleVariant['backend']): Promise<INestApplicationContext> {
  try {
    return await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  } catch (err) {
    const e = err as Error;
    // A build of the module without the PostgreSQL backend refuses the option: reported as skipped, not failed.
    if (backend === 'postgres' && e.name === 'JobsConfigurationError') throw new SkipScenario(`the module refuses connection.postgres (${e.message})`);
    throw err;
  }
}

/** nestjs-jobs as users run it (the built package), history off or on a SQLite or PostgreSQL database. */
export const moduleSubject =
  (variant: ModuleVariant): SubjectFactory =>
  async ({ concurrency }) => {
    const name = uniqueName(variant.backend === 'redis' ? 'mod' : 'modpg');
    const hook: Hook = { handler: () => undefined };
    const db = variant.history ? await historyDatabase(variant.history, `${name}_h`) : undefined;
    const root = (workers: boolean): DynamicModule => ({
      module: ModuleBenchApp,
      imports: [
        ...(workers && db ? [TypeOrmModule.forRoot(db.options)] : []),
        JobsModule.forRoot({
          connection: connectionOf(variant.backend, name),
          prefix: name,
          queues: { [QUEUE]: { concurrency } },
          workers,
          history: workers && !!db,
        }),
      ],
      providers: [BenchJob, { provide: HOOK, useValue: hook }],
    });
    let app: INestApplicationContext | undefined;
    return {
      // A producer-only instance queues the jobs, so that the measured instance finds them all waiting.
      async fill(count) {
        const producer = await createApp(root(false), variant.backend);
        try {
          const jobs = producer.get(JobService);
          await inChunks(count, (items) => jobs.addBulk(items.map((data) => ({ name: JOB, data }))));
        } finally {
          await producer.close();
        }
      },
      async start(handler) {
        hook.handler = handler;
        app = await createApp(root(true), variant.backend);
      },
      add: (data) => app!.get(JobService).add(JOB, data),
      // History rows are the module's work for those jobs too: a run ends once they are written.
      settle: db
        ? async () => {
            const recorder = app!.get(HistoryRecorder);
            while (recorder.backlog) await recorder.flush();
          }
        : undefined,
      async close() {
        await app?.close();
        await (variant.backend === 'redis' ? deletePrefix(name) : dropSchema(name).catch(() => undefined));
        await db?.drop();
      },
    };
  };
