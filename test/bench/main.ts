import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EnqueueResult } from './measures/enqueue.js';
import type { HistorySizeResult } from './measures/history-size.js';
import type { OutboxResult } from './measures/outbox.js';
import type { ProcessesResult } from './measures/processes.js';
import type { ProcessingResult } from './measures/processing.js';
import type { ScaleResult } from './measures/scale.js';
import { formatReport, toReport, type Results } from './report.js';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios/index.js';
import { median } from './stats.js';
import type { Outcome, Task } from './tasks.js';

/**
 * `npm run bench [-- --quick] [--json FILE] [--only a,b] [--repeats N]`: every scenario in a child process of its own
 * (fresh heap, its own connections), one after another on the same Redis and PostgreSQL; medians of the repeats.
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    only: { type: 'string' },
    repeats: { type: 'string' },
  },
});

const quick = args.quick;
const SIZES = quick
  ? {
      warmup: 3_000,
      c50: 8_000,
      c1: 2_000,
      capMs: 6_000,
      adds: 1_000,
      bulkJobs: 5_000,
      latencySeconds: 5,
      ticks: 8,
      memory: [2_000, 20_000],
      outboxJobs: 5_000,
      processJobs: 10_000,
      historyRows: [100_000],
      scale: [10_000, 50_000],
      repeats: 3,
    }
  : {
      warmup: 5_000,
      c50: 20_000,
      c1: 5_000,
      capMs: 60_000,
      adds: 5_000,
      bulkJobs: 20_000,
      latencySeconds: 20,
      ticks: 30,
      memory: [20_000, 200_000],
      outboxJobs: 20_000,
      processJobs: 50_000,
      historyRows: [1_000_000, 10_000_000],
      scale: [10_000, 100_000, 1_000_000],
      repeats: 3,
    };
const repeats = args.repeats ? Number(args.repeats) : SIZES.repeats;
const LATENCY: ScenarioName[] = quick
  ? ['raw_bullmq', 'module_history_off', 'raw_bullmq_pg', 'module_pg']
  : ['raw_bullmq', 'nestjs_bullmq', 'module_history_off', 'module_history_postgres', 'raw_bullmq_pg', 'module_pg'];
const MEASURES = ['enqueue', 'cron', 'memory', 'outbox', 'processes', 'scale', 'history_queries'] as const;

const only = args.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !(SCENARIO_NAMES as string[]).includes(name) && !(MEASURES as readonly string[]).includes(name));
if (unknown?.length) {
  console.error(`Unknown --only names: ${unknown.join(', ')}. Known: ${[...SCENARIO_NAMES, ...MEASURES].join(', ')}.`);
  process.exit(2);
}
const wanted = (name: string) => !only || only.includes(name);

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const REGISTER = fileURLToPath(new URL('./register.mjs', import.meta.url));
const CHILD_TIMEOUT = 15 * 60_000;

function runChild(task: Task): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = fork(CHILD, [JSON.stringify(task)], {
      execArgv: ['--import', REGISTER, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome: Outcome = { error: 'the child process exited without a result' };
    const timer = setTimeout(() => {
      outcome = { error: `no result within ${CHILD_TIMEOUT / 60_000} min` };
      child.kill('SIGKILL');
    }, CHILD_TIMEOUT);
    child.on('message', (message) => (outcome = message as Outcome));
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

interface Step {
  label: string;
  task: Task;
  /** Takes the child's value; a skip or a failure leaves the figure null. */
  take(value: unknown): string;
  skip?: () => boolean;
}

const samples = {
  c50: new Map<ScenarioName, number[]>(),
  c1: new Map<ScenarioName, number[]>(),
  cpuC50: new Map<ScenarioName, number[]>(),
  cpuC1: new Map<ScenarioName, number[]>(),
  dbCpuC50: new Map<ScenarioName, number[]>(),
  latency: new Map<ScenarioName, Array<{ p50: number; p99: number }>>(),
  enqueue: { raw: [] as EnqueueResult[], module: [] as EnqueueResult[] },
  cron: undefined as { p50: number; p99: number } | undefined,
  memory: undefined as number[] | undefined,
  outbox: [] as OutboxResult[],
  processes: [] as ProcessesResult[][],
  historyQueries: undefined as HistorySizeResult[] | undefined,
  scale: [] as ScaleResult[],
};
const skipped = new Map<string, string>();
const failed = new Map<string, string>();
const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);

// Repeats are the outer loop, so that noise from other work on the machine spreads over all scenarios alike.
const steps: Step[] = [];
for (let r = 1; r <= repeats; r++) {
  // A quick run repeats what its goals are judged on (CPU per job of processing and enqueueing); the rest runs once.
  const extra = !quick || r === 1;
  for (const scenario of SCENARIO_NAMES.filter(wanted)) {
    steps.push({
      label: `processing ${scenario} #${r}`,
      skip: () => skipped.has(scenario),
      task: {
        measure: 'processing',
        scenario,
        warmup: { concurrency: 50, count: SIZES.warmup, capMs: 3_000 },
        runs: [
          { concurrency: 50, count: SIZES.c50, capMs: SIZES.capMs },
          { concurrency: 1, count: SIZES.c1, capMs: SIZES.capMs },
        ],
      },
      take(value) {
        const [c50, c1] = value as ProcessingResult[];
        push(samples.c50, scenario, c50.jobsPerSecond);
        push(samples.c1, scenario, c1.jobsPerSecond);
        push(samples.cpuC50, scenario, c50.cpuUsPerJob);
        push(samples.cpuC1, scenario, c1.cpuUsPerJob);
        if (c50.dbCpuUsPerJob != null) push(samples.dbCpuC50, scenario, c50.dbCpuUsPerJob);
        const cpu = (r: ProcessingResult) => `${Math.round(r.cpuUsPerJob)} µs CPU/job`;
        return `c50 ${Math.round(c50.jobsPerSecond)} jobs/s (${cpu(c50)}), c1 ${Math.round(c1.jobsPerSecond)} jobs/s (${cpu(c1)})`;
      },
    });
  }
  if (wanted('enqueue')) {
    for (const kind of ['raw', 'module'] as const) {
      steps.push({
        label: `enqueue ${kind} #${r}`,
        task: { measure: 'enqueue', kind, run: { adds: SIZES.adds, bulkJobs: SIZES.bulkJobs } },
        take(value) {
          const v = value as EnqueueResult;
          samples.enqueue[kind].push(v);
          return `add ${Math.round(v.add)}/s (${Math.round(v.addCpuUs)} µs CPU/job), addBulk ${Math.round(v.addbulk)}/s (${Math.round(v.addbulkCpuUs)} µs CPU/job)`;
        },
      });
    }
  }
  for (const scenario of LATENCY.filter((s) => extra && wanted(s))) {
    steps.push({
      label: `latency ${scenario} #${r}`,
      skip: () => skipped.has(scenario),
      task: { measure: 'latency', scenario, run: { rate: 200, seconds: SIZES.latencySeconds, warmupSeconds: 1 } },
      take(value) {
        const v = value as { p50: number; p99: number };
        push(samples.latency, scenario, v);
        return `p50 ${v.p50.toFixed(1)} ms, p99 ${v.p99.toFixed(1)} ms`;
      },
    });
  }
  if (extra && wanted('processes')) {
    steps.push({
      label: `processes #${r}`,
      task: { measure: 'processes', counts: [1, 2, 4], count: SIZES.processJobs },
      take(value) {
        const v = value as ProcessesResult[];
        samples.processes.push(v);
        return v
          .map((p) => `${p.kind} ×${p.processes}: ${Math.round(p.jobsPerSecond)} jobs/s, ${Math.round(p.cpuUsPerJob)} µs CPU/job`)
          .join('; ');
      },
    });
  }
  if (extra && wanted('outbox')) {
    steps.push({
      label: `outbox #${r}`,
      task: { measure: 'outbox', run: { rate: 100, seconds: SIZES.latencySeconds, jobs: SIZES.outboxJobs } },
      take(value) {
        const v = value as OutboxResult;
        samples.outbox.push(v);
        const way = (w: OutboxResult['direct']) =>
          `p50 ${w.p50.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms, ${Math.round(w.jobsPerSecond)} jobs/s, ${Math.round(w.cpuUsPerJob)} µs CPU/job`;
        return `direct ${way(v.direct)}; outbox ${way(v.outbox)}`;
      },
    });
  }
}
if (wanted('cron')) {
  steps.push({
    label: 'cron lag',
    task: { measure: 'cron', ticks: SIZES.ticks },
    take(value) {
      samples.cron = value as { p50: number; p99: number };
      return `p50 ${samples.cron.p50.toFixed(1)} ms, p99 ${samples.cron.p99.toFixed(1)} ms`;
    },
  });
}
if (wanted('scale')) {
  // Once each (a million jobs takes minutes): throughput and peak memory as the backlog grows, history off and on.
  for (const jobs of SIZES.scale) {
    for (const scenario of ['module_history_off', 'module_history_postgres'] as const) {
      steps.push({
        label: `scale ${scenario} ${jobs} jobs`,
        task: { measure: 'scale', scenario, jobs },
        take(value) {
          const v = value as ScaleResult;
          samples.scale.push(v);
          return `${Math.round(v.jobsPerSecond)} jobs/s, ${Math.round(v.cpuUsPerJob)} µs CPU/job, peak RSS ${Math.round(v.peakRssMb)} MB`;
        },
      });
    }
  }
}
if (wanted('history_queries')) {
  steps.push({
    label: 'history queries at size',
    task: { measure: 'history_queries', sizes: SIZES.historyRows, databases: ['postgres', 'mariadb'] },
    take(value) {
      samples.historyQueries = value as HistorySizeResult[];
      return samples.historyQueries.map((h) => `${h.database} ${h.rows} rows filled in ${h.fillSeconds.toFixed(1)} s`).join(', ');
    },
  });
}
if (wanted('memory')) {
  steps.push({
    label: 'memory',
    task: { measure: 'memory', checkpoints: SIZES.memory },
    take(value) {
      samples.memory = value as number[];
      return samples.memory.map((mb, i) => `${SIZES.memory[i]} jobs: ${mb.toFixed(1)} MB`).join(', ');
    },
  });
}

const begun = performance.now();
for (const [index, step] of steps.entries()) {
  if (step.skip?.()) continue;
  const started = performance.now();
  const outcome = await runChild(step.task);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const scenario = 'scenario' in step.task ? step.task.scenario : step.task.measure;
  let line: string;
  if ('value' in outcome) line = step.take(outcome.value);
  else if ('skipped' in outcome) {
    skipped.set(scenario, outcome.skipped);
    line = `skipped: ${outcome.skipped}`;
  } else {
    failed.set(step.label, outcome.error.split('\n')[0]);
    line = `FAILED: ${outcome.error}`;
  }
  console.error(`[${index + 1}/${steps.length}] ${step.label}: ${line} (${secs} s)`);
}

const med = (values: number[] | undefined) => (values?.length ? median(values) : null);
const results: Results = { throughput: {}, cpu: {}, dbCpu: {}, latency: {}, notes: [] };
for (const s of SCENARIO_NAMES.filter(wanted)) {
  results.throughput[s] = { c50: med(samples.c50.get(s)), c1: med(samples.c1.get(s)) };
  results.cpu[s] = { c50: med(samples.cpuC50.get(s)), c1: med(samples.cpuC1.get(s)) };
  results.dbCpu[s] = med(samples.dbCpuC50.get(s));
}
for (const s of LATENCY.filter(wanted)) {
  const l = samples.latency.get(s);
  results.latency[s] = { p50: med(l?.map((x) => x.p50)), p99: med(l?.map((x) => x.p99)) };
}
if (wanted('enqueue')) {
  const { raw, module } = samples.enqueue;
  results.enqueue = {
    raw_bullmq_add: med(raw.map((x) => x.add)),
    module_add: med(module.map((x) => x.add)),
    raw_bullmq_addbulk: med(raw.map((x) => x.addbulk)),
    module_addbulk: med(module.map((x) => x.addbulk)),
    raw_bullmq_add_cpu_us: med(raw.map((x) => x.addCpuUs)),
    module_add_cpu_us: med(module.map((x) => x.addCpuUs)),
    raw_bullmq_addbulk_cpu_us: med(raw.map((x) => x.addbulkCpuUs)),
    module_addbulk_cpu_us: med(module.map((x) => x.addbulkCpuUs)),
  };
}
if (wanted('cron')) results.cron = samples.cron ?? { p50: null, p99: null };
if (wanted('outbox')) {
  const of = (way: 'direct' | 'outbox', key: keyof OutboxResult['direct']) => med(samples.outbox.map((o) => o[way][key]));
  results.outbox = Object.fromEntries(
    (['direct', 'outbox'] as const).map((way) => [
      way,
      { p50: of(way, 'p50'), p99: of(way, 'p99'), jobsPerSecond: of(way, 'jobsPerSecond'), cpuUsPerJob: of(way, 'cpuUsPerJob') },
    ]),
  ) as Results['outbox'];
}
if (wanted('processes') && samples.processes.length) {
  results.processes = samples.processes[0].map((p, i) => ({
    kind: p.kind,
    processes: p.processes,
    jobsPerSecond: med(samples.processes.map((run) => run[i].jobsPerSecond)),
    cpuUsPerJob: med(samples.processes.map((run) => run[i].cpuUsPerJob)),
  }));
}
if (samples.historyQueries) results.historyQueries = samples.historyQueries;
if (samples.scale.length) results.scale = samples.scale;
if (wanted('memory')) results.memory = { rss_20k: samples.memory?.[0] ?? null, rss_200k: samples.memory?.[1] ?? null };
for (const [s, reason] of skipped) results.notes.push(`${s} skipped: ${reason}`);
for (const [label, error] of failed) results.notes.push(`${label} failed: ${error}`);
if (quick) results.notes.push(`quick run: memory keys rss_20k / rss_200k hold ${SIZES.memory.join(' / ')} jobs.`);

const report = toReport(results);
const minutes = ((performance.now() - begun) / 60_000).toFixed(1);
const title = `nestjs-jobs benchmark, ${quick ? 'quick' : 'full'} run, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${repeats} repeat(s), ${minutes} min`;
console.log(formatReport(report, results, title));
if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2) + '\n');
