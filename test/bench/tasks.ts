import type { EnqueueRun } from './measures/enqueue.js';
import type { HistoryDatabase } from './measures/history-size.js';
import type { LatencyRun } from './measures/latency.js';
import type { OutboxRun } from './measures/outbox.js';
import type { ProcessingRun } from './measures/processing.js';
import type { ScenarioName } from './scenarios/index.js';

/** What one child process measures; it receives this as JSON and answers with an Outcome. */
export type Task =
  | { measure: 'processing'; scenario: ScenarioName; runs: ProcessingRun[]; warmup?: ProcessingRun }
  | { measure: 'latency'; scenario: ScenarioName; run: LatencyRun }
  | { measure: 'enqueue'; kind: 'raw' | 'module'; run: EnqueueRun }
  | { measure: 'cron'; ticks: number }
  | { measure: 'memory'; checkpoints: number[] }
  | { measure: 'outbox'; run: OutboxRun }
  | { measure: 'processes'; counts: number[]; count: number }
  | { measure: 'scale'; scenario: ScenarioName; jobs: number }
  | { measure: 'history_queries'; sizes: number[]; databases: HistoryDatabase[] };

export type Outcome = { value: unknown } | { skipped: string } | { error: string };
