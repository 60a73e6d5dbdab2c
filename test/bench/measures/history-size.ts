import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { JobsModule } from 'nestjs-jobs';
import { JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS, JobHistoryService } from 'nestjs-jobs/history';
import type { DataSource } from 'typeorm';
import { DATABASES } from '../../support/databases.js';
import { REDIS_URL, uniqueName } from '../services.js';
import { median } from '../stats.js';

@Module({})
class HistorySizeApp {}

/** Milliseconds of each admin query of history, by query, at one table size. */
export interface HistorySizeResult {
  database: 'postgres';
  rows: number;
  /** Seconds the bulk insert took (generate_series, not through jobs). */
  fillSeconds: number;
  queries: Record<string, number>;
}

const DAY = 86_400_000;

/**
 * `job_executions` filled in bulk with `rows` attempts over the last 30 days (20 names, 5 queues, one in five failed),
 * then each query the admin API makes of history timed through `JobHistoryService` (median of 5 after one warm-up).
 */
export async function historySize(sizes: number[]): Promise<HistorySizeResult[]> {
  const results: HistorySizeResult[] = [];
  for (const rows of sizes) {
    const db = await DATABASES.postgres();
    const root: DynamicModule = {
      module: HistorySizeApp,
      imports: [
        TypeOrmModule.forRoot({
          ...db.options,
          entities: JOB_HISTORY_ENTITIES,
          migrations: JOB_HISTORY_MIGRATIONS,
          migrationsRun: true,
        }),
        JobsModule.forRoot({ connection: { redis: REDIS_URL }, prefix: uniqueName('histsize'), workers: false, history: true }),
      ],
    };
    const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
    try {
      const dataSource = app.get<DataSource>(getDataSourceToken());
      const started = performance.now();
      await dataSource.query(
        `INSERT INTO job_executions (job_id, queue, name, status, attempt, max_attempts, data, enqueued_at, started_at, finished_at, duration_ms)
         SELECT 'job-' || g, 'q' || (g % 5), 'name.' || (g % 20), CASE WHEN g % 5 = 0 THEN 'failed' ELSE 'completed' END, 1, 3, '{"i":1}',
                t, t, t + ((g % 1000) || ' milliseconds')::interval, g % 1000
         FROM generate_series(1, $1) AS g, LATERAL (SELECT now() - ((g::float / $1) * interval '30 days') AS t) AS at`,
        [rows],
      );
      await dataSource.query('ANALYZE job_executions');
      const fillSeconds = (performance.now() - started) / 1000;
      const history = app.get(JobHistoryService);
      const first = await history.find({ limit: 50 });
      const now = Date.now();
      const queries: Record<string, () => Promise<unknown>> = {
        'list, newest 50': () => history.find({ limit: 50 }),
        'list, next page (cursor)': () => history.find({ limit: 50, cursor: first.nextCursor }),
        'filter by name': () => history.find({ name: 'name.7', limit: 50 }),
        'filter by status failed': () => history.find({ status: 'failed', limit: 50 }),
        'filter by name and status': () => history.find({ name: 'name.7', status: 'failed', limit: 50 }),
        'filter by time range (a day, 10 days ago)': () =>
          history.find({ from: new Date(now - 11 * DAY), to: new Date(now - 10 * DAY), limit: 50 }),
        'one job id': () => history.find({ jobId: `job-${Math.floor(rows / 2)}` }),
        'stats, last hour': () => history.stats({ since: new Date(now - 3_600_000), until: new Date(now) }),
        'stats, last 24 h': () => history.stats({ since: new Date(now - DAY), until: new Date(now) }),
        'stats, last 24 h, one name': () => history.stats({ name: 'name.7', since: new Date(now - DAY), until: new Date(now) }),
      };
      const timed: Record<string, number> = {};
      for (const [label, query] of Object.entries(queries)) {
        await query();
        const samples: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          await query();
          samples.push(performance.now() - t);
        }
        timed[label] = median(samples);
      }
      results.push({ database: 'postgres', rows, fillSeconds, queries: timed });
    } finally {
      await app.close();
      await db.drop();
    }
  }
  return results;
}
