import {
  type DynamicModule,
  type INestApplication,
  type LoggerService,
  type ModuleMetadata,
  type NestApplicationOptions,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { JobsModule, type JobsModuleExtras, type JobsModuleOptions } from '../../lib/index.js';
import { JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS } from '../../lib/history.entry.js';
import { testLogger } from './logger.js';
import { deletePrefix, queueConnection, uniquePrefix } from './services.js';

export interface HttpTestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` plus the global prefix, without a trailing slash. */
  url: string;
  prefix: string;
  close(): Promise<void>;
}

export interface HttpAppSetup {
  options?: Partial<JobsModuleOptions>;
  extras?: JobsModuleExtras;
  /** History database: the module's migrations run on it first. */
  database?: DataSourceOptions;
  providers?: ModuleMetadata['providers'];
  imports?: ModuleMetadata['imports'];
  globalPrefix?: string;
  configure?: (app: INestApplication) => void | Promise<void>;
  /** Receives what the app logs; silent by default (JOBS_TEST_LOGS=1 prints it). */
  logger?: LoggerService;
  /** Replaces `JobsModule.forRoot(...)`, e.g. with `forRootAsync`. */
  jobsModule?: (prefix: string) => DynamicModule;
  /** The host's HTTP platform. Default Express. */
  platform?: 'express' | 'fastify';
  /** Deletes the queues of its prefix on close. Default true; false for a second instance of another test app. */
  cleanup?: boolean;
}

/** A real Nest HTTP application (Express) on a free loopback port, with the module on real Redis under its own prefix. */
export async function createHttpApp(setup: HttpAppSetup = {}): Promise<HttpTestApp> {
  const prefix = setup.options?.prefix ?? uniquePrefix('http');
  const database =
    setup.database &&
    TypeOrmModule.forRoot({ ...setup.database, entities: JOB_HISTORY_ENTITIES, migrations: JOB_HISTORY_MIGRATIONS, migrationsRun: true });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ...(database ? [database] : []),
      ...(setup.imports ?? []),
      setup.jobsModule?.(prefix) ?? JobsModule.forRoot({ connection: queueConnection(prefix), ...setup.options, prefix, ...setup.extras }),
    ],
    providers: setup.providers ?? [],
  })
    .setLogger(setup.logger ?? testLogger())
    .compile();
  const appOptions: NestApplicationOptions = setup.logger ? { logger: setup.logger } : process.env.JOBS_TEST_LOGS ? {} : { logger: false };
  const app =
    setup.platform === 'fastify'
      ? moduleRef.createNestApplication(new (await import('@nestjs/platform-fastify')).FastifyAdapter(), appOptions)
      : moduleRef.createNestApplication(appOptions);
  if (setup.globalPrefix) app.setGlobalPrefix(setup.globalPrefix);
  await setup.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  return {
    app,
    url: setup.globalPrefix ? `${base}/${setup.globalPrefix}` : base,
    prefix,
    async close() {
      await app.close();
      if (setup.cleanup !== false) await deletePrefix(prefix);
    },
  };
}
