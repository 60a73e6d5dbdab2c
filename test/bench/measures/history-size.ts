import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { JobsModule } from 'nestjs-jobs';
import { JOB_HISTORY_ENTITIES, JOB_HISTORY_MIGRATIONS, JobHistoryService } from 'nestjs-jobs/history';
import type { DataSource, Logger } from 'typeorm';
import { DATABASES } from '../../support/databases.js';
import { REDIS_URL, uniqueName } from '../services.js';
import { median } from '../stats.js';

@Module({})
class HistorySizeApp {}

export type HistoryDatabase = 'postgres' | 'mariadb';

/** Milliseconds of each admin query of history, by query, at one table size, and how the database ran it. */
export interface HistorySizeResult {
  database: HistoryDatabase;
  rows: number;
  /** Seconds the bulk insert took (not through jobs), with ANALYZE. */
  fillSeconds: number;
  queries: Record<string, number>;
  /** Per query, the access path of each statement it sent (EXPLAIN): the index used, or a full scan. */
  plans: Record<string, string>;
}

const DAY = 86_400_000;
const SPAN_MS = 30 * DAY;
/** Rows inserted per statement: one transaction of ten million rows would hold the undo log of all of them. */
const FILL_CHUNK = 1_000_000;

/** Inserts rows `from + 1 .. to` of `total`: row g started `1 - g / total` of 30 days ago, the last now (20 names, 5 queues, one in five failed). */
function fillStatement(database: HistoryDatabase, from: number, to: number, total: number): [string, unknown[]] {
  const columns = 'job_id, queue, name, status, attempt, max_attempts, data, enqueued_at, started_at, finished_at, duration_ms';
  if (database === 'postgres') {
    return [
      `INSERT INTO job_executions (${columns})
       SELECT 'job-' || g, 'q' || (g % 5), 'name.' || (g % 20), CASE WHEN g % 5 = 0 THEN 'failed' ELSE 'completed' END, 1, 3, '{"i":1}',
              t, t, t + ((g % 1000) || ' milliseconds')::interval, g % 1000
       FROM generate_series($1::bigint, $2::bigint) AS g,
            LATERAL (SELECT now() - ((1 - g::float / $3) * interval '30 days') AS t) AS at`,
      [from + 1, to, total],
    ];
  }
  // MariaDB's sequence engine: seq_1_to_N is a table of 1..N.
  return [
    `INSERT INTO job_executions (${columns})
     SELECT CONCAT('job-', g), CONCAT('q', g % 5), CONCAT('name.', g % 20), IF(g % 5 = 0, 'failed', 'completed'), 1, 3, '{"i":1}',
            t, t, t + INTERVAL (g % 1000) * 1000 MICROSECOND, g % 1000
     FROM (SELECT seq + ? AS g, NOW(3) - INTERVAL ROUND((1 - (seq + ?) / ?) * ${SPAN_MS}) * 1000 MICROSECOND AS t
           FROM seq_1_to_${to - from}) AS s`,
    [from, from, total],
  ];
}

/** Every statement sent while `on`, to EXPLAIN afterwards. */
class CapturingLogger implements Logger {
  on = false;
  readonly sent: Array<[string, unknown[] | undefined]> = [];
  logQuery(query: string, parameters?: unknown[]): void {
    if (this.on && /^\s*SELECT/i.test(query)) this.sent.push([query, parameters]);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

interface PostgresPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PostgresPlanNode[];
}

interface MariaDbPlanRow {
  table: string | null;
  type: string | null;
  key: string | null;
  Extra: string | null;
}

/** The access paths of one statement's plan on job_executions: the indexes read, or a full scan. */
async function accessPaths(dataSource: DataSource, database: HistoryDatabase, sql: string, parameters?: unknown[]): Promise<string> {
  const paths = new Set<string>();
  if (database === 'postgres') {
    const [{ 'QUERY PLAN': plan }] = await dataSource.query<Array<{ 'QUERY PLAN': Array<{ Plan: PostgresPlanNode }> }>>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      parameters,
    );
    const walk = (node: PostgresPlanNode) => {
      // A bitmap scan names its index on the child node, which names no relation.
      if (node['Index Name']) paths.add(`${node['Node Type']} ${node['Index Name']}`);
      else if (node['Relation Name'] === 'job_executions' && node['Node Type'] === 'Seq Scan') paths.add('full scan');
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan[0].Plan);
  } else {
    const rows = await dataSource.query<MariaDbPlanRow[]>(`EXPLAIN ${sql}`, parameters);
    for (const row of rows) {
      if (!row.table) continue;
      const sort = row.Extra?.includes('filesort') ? ' + sort' : '';
      paths.add(row.type === 'ALL' ? 'full scan' : `${row.type ?? ''} ${row.key ?? ''}${sort}`);
    }
  }
  return [...paths].join(', ');
}

/**
 * `job_executions` filled in bulk to each size in turn (rows spread over the last 30 days), then each query the admin
 * API makes of history timed through `JobHistoryService` (median of 5 after one warm-up) and its plan read.
 */
export async function historySize(sizes: number[], databases: HistoryDatabase[]): Promise<HistorySizeResult[]> {
  const results: HistorySizeResult[] = [];
  for (const database of databases) {
    const db = await DATABASES[database]();
    const logger = new CapturingLogger();
    const root: DynamicModule = {
      module: HistorySizeApp,
      imports: [
        TypeOrmModule.forRoot({
          ...db.options,
          entities: JOB_HISTORY_ENTITIES,
          migrations: JOB_HISTORY_MIGRATIONS,
          migrationsRun: true,
          logging: ['query'],
          logger,
        }),
        JobsModule.forRoot({ connection: { redis: REDIS_URL }, prefix: uniqueName('histsize'), workers: false, history: true }),
      ],
    };
    const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
    try {
      const dataSource = app.get<DataSource>(getDataSourceToken());
      for (const rows of sizes) {
        // Each size from an empty table, spread over the same 30 days, ids growing with start time as the recorder writes them.
        await dataSource.query(database === 'postgres' ? 'TRUNCATE job_executions' : 'TRUNCATE TABLE job_executions');
        const started = performance.now();
        for (let filled = 0; filled < rows; filled = Math.min(rows, filled + FILL_CHUNK)) {
          const [sql, parameters] = fillStatement(database, filled, Math.min(rows, filled + FILL_CHUNK), rows);
          await dataSource.query(sql, parameters);
        }
        await dataSource.query(database === 'postgres' ? 'ANALYZE job_executions' : 'ANALYZE TABLE job_executions');
        const fillSeconds = (performance.now() - started) / 1000;
        const { queries, plans } = await timeQueries(app.get(JobHistoryService), dataSource, database, logger, rows);
        results.push({ database, rows, fillSeconds, queries, plans });
      }
    } finally {
      await app.close();
      await db.drop();
    }
  }
  return results;
}

async function timeQueries(
  history: JobHistoryService,
  dataSource: DataSource,
  database: HistoryDatabase,
  logger: CapturingLogger,
  rows: number,
): Promise<Pick<HistorySizeResult, 'queries' | 'plans'>> {
  const first = await history.find({ limit: 50 });
  const now = Date.now();
  const range = { from: new Date(now - 11 * DAY), to: new Date(now - 10 * DAY) };
  const rangePage = await history.find({ ...range, limit: 50 });
  const queries: Record<string, () => Promise<unknown>> = {
    'list, newest 50': () => history.find({ limit: 50 }),
    'list, next page (cursor)': () => history.find({ limit: 50, cursor: first.nextCursor }),
    'filter by name': () => history.find({ name: 'name.7', limit: 50 }),
    'filter by status failed': () => history.find({ status: 'failed', limit: 50 }),
    'filter by name and status': () => history.find({ name: 'name.7', status: 'failed', limit: 50 }),
    'filter by time range (a day, 10 days ago)': () => history.find({ ...range, limit: 50 }),
    'time range, next page (cursor)': () => history.find({ ...range, limit: 50, cursor: rangePage.nextCursor }),
    'one job id': () => history.find({ jobId: `job-${Math.floor(rows / 2)}` }),
    'stats, last hour': () => history.stats({ since: new Date(now - 3_600_000), until: new Date(now) }),
    'stats, last 24 h': () => history.stats({ since: new Date(now - DAY), until: new Date(now) }),
    'stats, last 24 h, one name': () => history.stats({ name: 'name.7', since: new Date(now - DAY), until: new Date(now) }),
  };
  const timed: Record<string, number> = {};
  const plans: Record<string, string> = {};
  for (const [label, query] of Object.entries(queries)) {
    logger.sent.length = 0;
    logger.on = true;
    await query();
    logger.on = false;
    const paths: string[] = [];
    // The module's own reads (a lease, say) may fall in the window: only history's statements count.
    for (const [sql, parameters] of logger.sent.filter(([sql]) => sql.includes('job_executions')))
      paths.push(await accessPaths(dataSource, database, sql, parameters));
    plans[label] = paths.join(' + ');
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await query();
      samples.push(performance.now() - t);
    }
    timed[label] = median(samples);
  }
  return { queries: timed, plans };
}
