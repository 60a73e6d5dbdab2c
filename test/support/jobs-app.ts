import { type INestApplicationContext, type LoggerService, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { JobEventBus, JobService, JobsModule, type JobsModuleExtras, type JobsModuleOptions } from '../../lib/index.js';
import { deletePrefix, queueConnection, uniquePrefix } from './services.js';
import { testLogger } from './logger.js';
import { EventLog } from './wait.js';

export interface JobsTestApp {
  app: INestApplicationContext;
  jobs: JobService;
  events: EventLog;
  prefix: string;
  close(): Promise<void>;
}

/** A real Nest application context with the module on real Redis, under a prefix of its own. */
export async function createJobsApp(
  providers: Provider[],
  options: Partial<JobsModuleOptions> & JobsModuleExtras = {},
  { cleanup = true, logger }: { cleanup?: boolean; logger?: LoggerService } = {},
): Promise<JobsTestApp> {
  const prefix = options.prefix ?? uniquePrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ connection: queueConnection(prefix), ...options, prefix })],
    providers,
  })
    .setLogger(logger ?? testLogger())
    .compile();
  const app = moduleRef;
  const events = new EventLog(app.get(JobEventBus));
  try {
    await app.init();
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    app,
    jobs: app.get(JobService),
    events,
    prefix,
    async close() {
      await app.close();
      events.stop();
      if (cleanup) await deletePrefix(prefix);
    },
  };
}
