import type { HistorySizeResult } from './measures/history-size.js';
import type { ScaleResult } from './measures/scale.js';
import { SCENARIO_CONFIG, SCENARIO_NAMES, type ScenarioName } from './scenarios/index.js';
import { round } from './stats.js';

type Figure = number | null;
type Percentiles = { p50: Figure; p99: Figure };

/** The `--json` document, exactly as documented in README ("Benchmarks"). */
/** Jobs per second, and CPU µs per job, of `add` and `addBulk`: BullMQ's and the module's. */
const ENQUEUE_KEYS = [
  'raw_bullmq_add',
  'module_add',
  'raw_bullmq_addbulk',
  'module_addbulk',
  'raw_bullmq_add_cpu_us',
  'module_add_cpu_us',
  'raw_bullmq_addbulk_cpu_us',
  'module_addbulk_cpu_us',
] as const;

const DATABASE_LABELS: Record<string, string> = { postgres: 'PostgreSQL', mariadb: 'MariaDB' };

export interface BenchReport {
  throughput: Record<string, Figure>;
  ratios: Record<string, Figure>;
  /** CPU time of the measuring process per job, µs (`<scenario>` at c50, `<scenario>_c1`): steadier than throughput. */
  cpu_us_per_job: Record<string, Figure>;
  /** The scenario's CPU per job divided by its baseline's: lower is better, 1 is the baseline's cost. */
  cpu_ratios: Record<string, Figure>;
  /** CPU time of the PostgreSQL server per job at c50, µs, over the same window (its processes read from /proc). */
  db_cpu_us_per_job: Record<string, Figure>;
  enqueue: Record<string, Figure>;
  latency_ms: Record<string, Percentiles>;
  cron_lag_ms: Percentiles;
  memory_mb: { rss_20k: Figure; rss_200k: Figure };
  /** Added by the transactional outbox: the same jobs added directly and each in a transaction (history on PostgreSQL). */
  outbox?: Record<'direct' | 'outbox', OutboxFigures>;
  /** 1, 2 and 4 worker processes on one Redis: throughput, the workers' CPU per job, and throughput over one process's. */
  processes?: Array<{ kind: 'raw' | 'module'; processes: number; jobs_per_second: Figure; cpu_us_per_job: Figure; scaling: Figure }>;
  /** Each admin query of history in ms, by table size (rows of `job_executions`), on PostgreSQL. */
  scale?: Array<{ scenario: string; jobs: number; jobs_per_second: Figure; cpu_us_per_job: Figure; peak_rss_mb: Figure }>;
  history_queries?: Array<{
    database: string;
    rows: number;
    fill_seconds: Figure;
    ms: Record<string, Figure>;
    plans: Record<string, string>;
  }>;
}

interface OutboxFigures {
  p50_ms: Figure;
  p99_ms: Figure;
  jobs_per_second: Figure;
  cpu_us_per_job: Figure;
}

/** Medians of what ran; what was skipped or failed is null, what was not asked for is left out. */
export interface Results {
  throughput: Partial<Record<ScenarioName, { c50: Figure; c1: Figure }>>;
  cpu: Partial<Record<ScenarioName, { c50: Figure; c1: Figure }>>;
  /** The PostgreSQL server's CPU per job at c50 (its processes read from /proc), whichever backend the scenario uses. */
  dbCpu: Partial<Record<ScenarioName, Figure>>;
  enqueue?: Record<(typeof ENQUEUE_KEYS)[number], Figure>;
  latency: Partial<Record<ScenarioName, Percentiles>>;
  cron?: Percentiles;
  memory?: { rss_20k: Figure; rss_200k: Figure };
  outbox?: Record<'direct' | 'outbox', { p50: Figure; p99: Figure; jobsPerSecond: Figure; cpuUsPerJob: Figure }>;
  processes?: Array<{ kind: 'raw' | 'module'; processes: number; jobsPerSecond: Figure; cpuUsPerJob: Figure }>;
  historyQueries?: HistorySizeResult[];
  scale?: ScaleResult[];
  notes: string[];
}

const PG_BACKED = new Set<string>(['module_pg', 'pg_boss', 'graphile_worker']);
const baselineOf = (s: ScenarioName): ScenarioName =>
  PG_BACKED.has(s) ? 'raw_bullmq_pg' : s === 'raw_bullmq_pg' ? 'raw_bullmq_pg' : 'raw_bullmq';
const ratio = (a: Figure | undefined, b: Figure | undefined): Figure => (a == null || b == null || !b ? null : round(a / b, 3));
const r1 = (n: Figure | undefined): Figure => (n == null ? null : round(n, 1));

export function toReport(results: Results): BenchReport {
  const report: BenchReport = {
    throughput: {},
    ratios: {},
    cpu_us_per_job: {},
    cpu_ratios: {},
    db_cpu_us_per_job: {},
    enqueue: {},
    latency_ms: {},
    cron_lag_ms: { p50: r1(results.cron?.p50), p99: r1(results.cron?.p99) },
    memory_mb: { rss_20k: r1(results.memory?.rss_20k), rss_200k: r1(results.memory?.rss_200k) },
  };
  for (const s of SCENARIO_NAMES) {
    const t = results.throughput[s];
    if (!t) continue;
    report.throughput[s] = r1(t.c50);
    report.throughput[`${s}_c1`] = r1(t.c1);
  }
  for (const s of SCENARIO_NAMES) {
    if (!results.throughput[s]) continue;
    const base = results.throughput[baselineOf(s)];
    report.ratios[s] = ratio(results.throughput[s].c50, base?.c50);
    report.ratios[`${s}_c1`] = ratio(results.throughput[s].c1, base?.c1);
    const cpu = results.cpu[s];
    const baseCpu = results.cpu[baselineOf(s)];
    report.cpu_us_per_job[s] = r1(cpu?.c50);
    report.cpu_us_per_job[`${s}_c1`] = r1(cpu?.c1);
    report.cpu_ratios[s] = ratio(cpu?.c50, baseCpu?.c50);
    report.cpu_ratios[`${s}_c1`] = ratio(cpu?.c1, baseCpu?.c1);
    report.db_cpu_us_per_job[s] = r1(results.dbCpu[s]);
  }
  if (results.enqueue) {
    const e = results.enqueue;
    report.enqueue = Object.fromEntries(ENQUEUE_KEYS.map((k) => [k, r1(e[k])]));
    report.ratios.module_add = ratio(e.module_add, e.raw_bullmq_add);
    report.ratios.module_addbulk = ratio(e.module_addbulk, e.raw_bullmq_addbulk);
    report.cpu_ratios.module_add = ratio(e.module_add_cpu_us, e.raw_bullmq_add_cpu_us);
    report.cpu_ratios.module_addbulk = ratio(e.module_addbulk_cpu_us, e.raw_bullmq_addbulk_cpu_us);
  }
  for (const s of SCENARIO_NAMES) {
    const l = results.latency[s];
    if (l) report.latency_ms[s] = { p50: r1(l.p50), p99: r1(l.p99) };
  }
  if (results.outbox) {
    const figures = (w: NonNullable<Results['outbox']>['direct']): OutboxFigures => ({
      p50_ms: r1(w.p50),
      p99_ms: r1(w.p99),
      jobs_per_second: r1(w.jobsPerSecond),
      cpu_us_per_job: r1(w.cpuUsPerJob),
    });
    report.outbox = { direct: figures(results.outbox.direct), outbox: figures(results.outbox.outbox) };
    report.ratios.outbox_throughput = ratio(results.outbox.outbox.jobsPerSecond, results.outbox.direct.jobsPerSecond);
    report.ratios.outbox_cpu = ratio(results.outbox.outbox.cpuUsPerJob, results.outbox.direct.cpuUsPerJob);
  }
  if (results.processes) {
    const one = (kind: string) => results.processes!.find((p) => p.kind === kind && p.processes === 1)?.jobsPerSecond;
    report.processes = results.processes.map((p) => ({
      kind: p.kind,
      processes: p.processes,
      jobs_per_second: r1(p.jobsPerSecond),
      cpu_us_per_job: r1(p.cpuUsPerJob),
      scaling: ratio(p.jobsPerSecond, one(p.kind)),
    }));
  }
  if (results.scale) {
    report.scale = results.scale.map((x) => ({
      scenario: x.scenario,
      jobs: x.jobs,
      jobs_per_second: r1(x.jobsPerSecond),
      cpu_us_per_job: r1(x.cpuUsPerJob),
      peak_rss_mb: r1(x.peakRssMb),
    }));
  }
  if (results.historyQueries) {
    report.history_queries = results.historyQueries.map((h) => ({
      database: h.database,
      rows: h.rows,
      fill_seconds: r1(h.fillSeconds),
      ms: Object.fromEntries(Object.entries(h.queries).map(([q, ms]) => [q, r1(ms)])),
      plans: h.plans,
    }));
  }
  return report;
}

interface Goal {
  goal: string;
  actual: string;
  met: boolean | null;
}

const fmt = (n: Figure | undefined, unit = '') => (n == null ? '–' : `${n}${unit}`);

/** The performance goals, reported (never asserted); null when a figure one needs is missing. */
export function goals(r: BenchReport): Goal[] {
  const list: Goal[] = [];
  const atMost = (goal: string, value: Figure | undefined, max: number) =>
    list.push({ goal, actual: fmt(value), met: value == null ? null : value <= max });
  // Judged by CPU per job, steadier than throughput on a shared machine; throughput stands beside it in the tables.
  const cpu = r.cpu_us_per_job;
  atMost('module_history_off CPU/job ≤ 1.05 × raw_bullmq (c50)', r.cpu_ratios.module_history_off, 1.05);
  for (const s of ['module_history_postgres', 'module_history_sqlite'] as const)
    atMost(`${s} CPU/job ≤ 1.15 × module_history_off (c50)`, ratio(cpu[s], cpu.module_history_off), 1.15);
  atMost('module add CPU/job ≤ 1.10 × Queue.add (validation on)', r.cpu_ratios.module_add, 1.1);
  atMost('module addBulk CPU/job ≤ 1.10 × Queue.addBulk (validation on)', r.cpu_ratios.module_addbulk, 1.1);
  atMost('module_pg CPU/job ≤ 1.10 × raw_bullmq_pg (c50)', r.cpu_ratios.module_pg, 1.1);
  const pg = r.throughput.module_pg;
  const boss = r.throughput.pg_boss;
  list.push({
    goal: 'module_pg ahead of pg_boss (c50)',
    actual: `${fmt(pg)} vs ${fmt(boss)} jobs/s`,
    met: pg == null || boss == null ? null : pg > boss,
  });
  for (const [s, base] of [
    ['module_history_off', 'raw_bullmq'],
    ['module_pg', 'raw_bullmq_pg'],
  ] as const) {
    const p = r.latency_ms[s]?.p99;
    const b = r.latency_ms[base]?.p99;
    list.push({
      goal: `${s} p99 latency ≤ ${base} p99 + 2 ms`,
      actual: `${fmt(p, ' ms')} vs ${fmt(b, ' ms')}`,
      met: p == null || b == null ? null : p <= b + 2,
    });
  }
  const { rss_20k, rss_200k } = r.memory_mb;
  list.push({
    goal: 'rss_200k ≤ 1.2 × rss_20k',
    actual: `${fmt(rss_200k, ' MB')} vs ${fmt(rss_20k, ' MB')}`,
    met: rss_20k == null || rss_200k == null ? null : rss_200k <= 1.2 * rss_20k,
  });
  for (const database of new Set(r.history_queries?.map((h) => h.database))) {
    const largest = r.history_queries!.filter((h) => h.database === database).at(-1)!;
    const slow = Object.entries(largest.ms).filter(([, ms]) => ms == null || ms >= 50);
    list.push({
      goal: `every history query on ${DATABASE_LABELS[database] ?? database} under 50 ms at ${largest.rows.toLocaleString('en')} rows`,
      actual: slow.length ? `over: ${slow.map(([q, ms]) => `${q} ${fmt(ms, ' ms')}`).join('; ')}` : 'all under',
      met: !slow.length,
    });
  }
  return list;
}

const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

/** The report as Markdown tables (pasted into README as is). */
export function formatReport(r: BenchReport, results: Results, title: string): string {
  const parts = [title];
  const scenarios = SCENARIO_NAMES.filter((s) => s in r.throughput);
  if (scenarios.length) {
    parts.push(
      table(
        [
          'scenario',
          'c50 jobs/s',
          'ratio',
          'c50 CPU µs/job',
          'CPU ratio',
          'c1 jobs/s',
          'ratio c1',
          'c1 CPU µs/job',
          'CPU ratio c1',
          'PostgreSQL CPU µs/job (c50)',
          'baseline',
        ],
        scenarios.map((s) => [
          s,
          fmt(r.throughput[s]),
          fmt(r.ratios[s]),
          fmt(r.cpu_us_per_job[s]),
          fmt(r.cpu_ratios[s]),
          fmt(r.throughput[`${s}_c1`]),
          fmt(r.ratios[`${s}_c1`]),
          fmt(r.cpu_us_per_job[`${s}_c1`]),
          fmt(r.cpu_ratios[`${s}_c1`]),
          fmt(r.db_cpu_us_per_job[s]),
          baselineOf(s),
        ]),
      ),
    );
  }
  if (scenarios.length)
    parts.push(
      table(
        ['scenario', 'configuration'],
        scenarios.map((s) => [s, SCENARIO_CONFIG[s]]),
      ),
    );
  if (results.enqueue) {
    parts.push(
      table(
        ['enqueue', 'BullMQ ops/s', 'module ops/s', 'ratio', 'BullMQ CPU µs/job', 'module CPU µs/job', 'CPU ratio'],
        (['add', 'addbulk'] as const).map((op) => [
          op === 'add' ? 'add (one by one)' : 'addBulk (1,000 a batch)',
          fmt(r.enqueue[`raw_bullmq_${op}`]),
          fmt(r.enqueue[`module_${op}`]),
          fmt(r.ratios[`module_${op}`]),
          fmt(r.enqueue[`raw_bullmq_${op}_cpu_us`]),
          fmt(r.enqueue[`module_${op}_cpu_us`]),
          fmt(r.cpu_ratios[`module_${op}`]),
        ]),
      ),
    );
  }
  const latencies = Object.entries(r.latency_ms);
  if (latencies.length)
    parts.push(
      table(
        ['latency at 200 jobs/s', 'p50 ms', 'p99 ms'],
        latencies.map(([s, l]) => [s, fmt(l.p50), fmt(l.p99)]),
      ),
    );
  if (results.cron)
    parts.push(table(['cron tick lag', 'p50 ms', 'p99 ms'], [['@Cron every second', fmt(r.cron_lag_ms.p50), fmt(r.cron_lag_ms.p99)]]));
  if (results.memory)
    parts.push(
      table(['memory (history off)', 'rss_20k MB', 'rss_200k MB'], [['module', fmt(r.memory_mb.rss_20k), fmt(r.memory_mb.rss_200k)]]),
    );
  if (r.processes) {
    parts.push(
      table(
        ['worker processes on one Redis (c50 each)', 'jobs/s', 'CPU µs/job (all workers)', 'jobs/s over 1 process'],
        r.processes.map((p) => [
          `${p.kind === 'raw' ? 'BullMQ Worker' : 'nestjs-jobs, history off'} × ${p.processes}`,
          fmt(p.jobs_per_second),
          fmt(p.cpu_us_per_job),
          fmt(p.scaling),
        ]),
      ),
    );
  }
  if (r.scale?.length) {
    parts.push(
      table(
        ['backlog processed (c50)', 'jobs', 'jobs/s', 'CPU µs/job', 'peak RSS MB'],
        r.scale.map((x) => [x.scenario, x.jobs.toLocaleString('en'), fmt(x.jobs_per_second), fmt(x.cpu_us_per_job), fmt(x.peak_rss_mb)]),
      ),
    );
  }
  for (const database of new Set(r.history_queries?.map((h) => h.database))) {
    const sizes = r.history_queries!.filter((h) => h.database === database);
    const largest = sizes[sizes.length - 1];
    parts.push(
      table(
        [
          `history query (${DATABASE_LABELS[database] ?? database}), ms`,
          ...sizes.map((h) => `${h.rows.toLocaleString('en')} rows`),
          `plan at ${largest.rows.toLocaleString('en')}`,
        ],
        Object.keys(largest.ms).map((q) => [q, ...sizes.map((h) => fmt(h.ms[q])), largest.plans[q] ?? '']),
      ),
    );
  }
  if (r.outbox) {
    const row = (label: string, w: OutboxFigures) => [label, fmt(w.p50_ms), fmt(w.p99_ms), fmt(w.jobs_per_second), fmt(w.cpu_us_per_job)];
    parts.push(
      table(
        ['add, history on PostgreSQL', 'p50 ms at 100/s', 'p99 ms', 'jobs/s (batches of 1,000)', 'CPU µs/job'],
        [row('directly', r.outbox.direct), row('in a transaction (outbox)', r.outbox.outbox)],
      ),
    );
  }
  parts.push(
    table(
      ['goal', 'actual', 'met'],
      goals(r).map((g) => [g.goal, g.actual, g.met == null ? 'n/a' : g.met ? 'met' : 'NOT met']),
    ),
  );
  if (results.notes.length) parts.push(results.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n');
}
