import { Inject, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobProcessor, JobService, JobsModule, type JobHandler, type JobsModuleOptions } from 'nestjs-jobs';
import { HistoryRecorder, JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS } from 'nestjs-jobs/history';
import type { DataSourceOptions } from 'typeorm';
import { DATABASES } from '../../support/databases.js';
import { PG_URL, REDIS_URL, deletePrefix, dropSchema, uniqueName } from '../services.js';
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

/** The history database of one run (the test suites' own: a role and schema, or a file), removed after it. */
export async function historyDatabase(kind: 'sqlite' | 'postgres'): Promise<{ options: DataSourceOptions; drop(): Promise<unknown> }> {
  const db = await DATABASES[kind]();
  return {
    options: {
      ...db.options,
      entities: JOB_HISTORY_ENTITIES,
      migrations: JOB_HISTORY_MIGRATIONS,
      migrationsRun: true,
    } as DataSourceOptions,
    drop: () => db.drop(),
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
    if (backend === 'postgres' && e.name === 'JobsConfigurationError')
      throw new SkipScenario(`the module refuses connection.postgres (${e.message})`);
    throw err;
  }
}

/** nestjs-jobs as users run it (the built package), history off or on a SQLite or PostgreSQL database. */
export const moduleSubject =
  (variant: ModuleVariant): SubjectFactory =>
  async ({ concurrency }) => {
    const name = uniqueName(variant.backend === 'redis' ? 'mod' : 'modpg');
    const hook: Hook = { handler: () => undefined };
    const db = variant.history ? await historyDatabase(variant.history) : undefined;
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
