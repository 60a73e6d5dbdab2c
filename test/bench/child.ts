import 'reflect-metadata';
import { cronLag } from './measures/cron.js';
import { enqueue } from './measures/enqueue.js';
import { latency } from './measures/latency.js';
import { memory } from './measures/memory.js';
import { historySize } from './measures/history-size.js';
import { outboxCost } from './measures/outbox.js';
import { processes } from './measures/processes.js';
import { scale } from './measures/scale.js';
import { processing, type ProcessingResult } from './measures/processing.js';
import { SCENARIOS } from './scenarios/index.js';
import { SkipScenario } from './subject.js';
import type { Outcome, Task } from './tasks.js';

/**
 * Runs one task in a fresh process (fresh heap, its own connections) and reports it to the parent over IPC, or on
 * stdout when started by hand, e.g. under `node --cpu-prof` to profile one scenario.
 */
async function perform(task: Task): Promise<unknown> {
  switch (task.measure) {
    case 'processing': {
      const results: ProcessingResult[] = [];
      // Unreported: the same code first runs until the JIT has compiled its hot paths, so short runs measure the
      // steady state rather than start-up, and quick runs agree with each other.
      if (task.warmup) await processing(SCENARIOS[task.scenario], task.warmup, `${task.scenario}-warmup`);
      for (const run of task.runs) results.push(await processing(SCENARIOS[task.scenario], run, task.scenario));
      return results;
    }
    case 'latency':
      return latency(SCENARIOS[task.scenario], task.run);
    case 'enqueue':
      return enqueue(task.kind, task.run);
    case 'cron':
      return cronLag(task.ticks);
    case 'memory':
      return memory(task.checkpoints);
    case 'outbox':
      return outboxCost(task.run);
    case 'processes':
      return processes(task.counts, task.count);
    case 'scale':
      return scale(task.scenario, task.jobs);
    case 'history_queries':
      return historySize(task.sizes, task.databases);
  }
}

const task = JSON.parse(process.argv[2]) as Task;
let outcome: Outcome;
try {
  outcome = { value: await perform(task) };
} catch (err) {
  outcome = err instanceof SkipScenario ? { skipped: err.message } : { error: (err as Error).stack ?? String(err) };
}
if (process.send) process.send(outcome, () => process.exit(0));
else {
  console.log(JSON.stringify(outcome));
  process.exit(0);
}
