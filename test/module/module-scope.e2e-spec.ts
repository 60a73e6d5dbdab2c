import { afterAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobService, JobsMetrics, JobsModule } from '../../lib/index.js';
import { JOB_HISTORY_MIGRATIONS, JobHistoryService } from '../../lib/history.entry.js';
import { DATABASES, type TestDatabase } from '../support/databases.js';
import { testLogger } from '../support/logger.js';
import { deletePrefix, queueConnection, uniquePrefix } from '../support/services.js';

/** A provider that needs the module's own service and two services of its extras. */
@Injectable()
class Reports {
  constructor(
    readonly jobs: JobService,
    readonly history: JobHistoryService,
    readonly metrics: JobsMetrics,
  ) {}
}

/** A provider of a module that does not import `JobsModule`. */
@Injectable()
class Elsewhere {
  constructor(readonly jobs: JobService) {}
}

describe('where JobsModule and its extras can be injected', () => {
  const prefixes: string[] = [];
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(prefix);
    for (const db of databases) await db.drop();
  });

  const compile = async (isGlobal: boolean, feature: (jobs: DynamicModule) => DynamicModule[], withExtras = true) => {
    const prefix = uniquePrefix('scope');
    prefixes.push(prefix);
    const base = { connection: queueConnection(prefix), prefix, workers: false, isGlobal };
    if (!withExtras)
      return Test.createTestingModule({ imports: feature(JobsModule.forRoot(base)) })
        .setLogger(testLogger())
        .compile()
        .then((app) => app.init());
    const db = await DATABASES.sqlite();
    databases.push(db);
    const jobs = JobsModule.forRoot({ ...base, history: true, metrics: { enabled: true } });
    return Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...db.options, autoLoadEntities: true, migrations: JOB_HISTORY_MIGRATIONS, migrationsRun: true }),
        ...feature(jobs),
      ],
    })
      .setLogger(testLogger())
      .compile()
      .then((app) => app.init());
  };

  it('global (the default): every module injects JobService and what the extras export', async () => {
    @Module({ providers: [Reports], exports: [Reports] })
    class ReportsModule {}
    const app = await compile(true, (jobs) => [jobs, { module: ReportsModule }]);
    try {
      const reports = app.get(Reports, { strict: false });
      expect(reports.jobs).toBe(app.get(JobService, { strict: false }));
      expect(reports.history).toBeInstanceOf(JobHistoryService);
      expect(reports.metrics).toBeInstanceOf(JobsMetrics);
    } finally {
      await app.close();
    }
  });

  it('not global: the module that imports it injects them all, a module that does not gets a Nest error', async () => {
    @Module({})
    class ReportsModule {}
    const app = await compile(false, (jobs) => [{ module: ReportsModule, imports: [jobs], providers: [Reports] }]);
    try {
      expect(app.get(Reports, { strict: false }).history).toBeInstanceOf(JobHistoryService);
    } finally {
      await app.close();
    }

    @Module({})
    class OtherModule {}
    await expect(compile(false, (jobs) => [jobs, { module: OtherModule, providers: [Elsewhere] }], false)).rejects.toThrow(/JobService/);
  });
});
