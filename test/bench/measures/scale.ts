import { SCENARIOS, type ScenarioName } from '../scenarios/index.js';
import { processing, type ProcessingResult } from './processing.js';

/** One backlog size run through one scenario, in a process of its own so that its peak resident set is its own. */
export interface ScaleResult extends ProcessingResult {
  scenario: ScenarioName;
  jobs: number;
  /** The process's largest resident set, queueing and start-up included (`process.resourceUsage().maxRSS`). */
  peakRssMb: number;
}

/** `jobs` queued first, then processed at concurrency 50 to the last one (and, with history, its last row). */
export async function scale(scenario: ScenarioName, jobs: number): Promise<ScaleResult> {
  const result = await processing(SCENARIOS[scenario], { concurrency: 50, count: jobs, capMs: 30 * 60_000 }, `${scenario}-${jobs}`);
  return { ...result, scenario, jobs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}
