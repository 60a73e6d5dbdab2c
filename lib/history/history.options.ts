import { badOption, durationRule, integerOption, isDuration } from '../option-checks.js';
import type { JobHistoryOptions } from '../interfaces/job-history.interface.js';

/** `outbox` is resolved on its own (`resolveOutboxOptions`), for the outbox's parts. */
export type ResolvedHistoryOptions = Required<Omit<JobHistoryOptions, 'dataSource' | 'keepPerName' | 'enabled' | 'outbox'>> & {
  dataSource?: string;
  keepPerName?: number;
};

export const HISTORY_DEFAULTS = {
  retentionDays: 30,
  batchSize: 200,
  flushInterval: 1_000,
  bufferSize: 10_000,
  maxLogLines: 50,
  flushTimeout: 5_000,
  recoverAfter: 5_000,
};

/** Whether the module is asked to record history; decides the module's shape, so it reads the static extras. */
export const historyEnabled = (history: JobHistoryOptions | boolean | undefined): history is JobHistoryOptions | true =>
  history === true || (typeof history === 'object' && history !== null && history.enabled !== false);

function check(option: keyof JobHistoryOptions, value: unknown, ok: boolean, expected: string): void {
  if (!ok) badOption(`history.${option}`, expected, value);
}

/** Options that may also be given as numeric strings, from the environment or `ConfigService`. */
const INTEGER_OPTIONS = [
  'retentionDays',
  'keepPerName',
  'batchSize',
  'flushInterval',
  'bufferSize',
  'maxLogLines',
  'flushTimeout',
  'recoverAfter',
] as const;

export function resolveHistoryOptions(history: JobHistoryOptions | true): ResolvedHistoryOptions {
  const o: JobHistoryOptions = { ...(history === true ? {} : history) };
  for (const key of INTEGER_OPTIONS) if (o[key] !== undefined) o[key] = integerOption(o[key]);
  const resolved = { ...HISTORY_DEFAULTS, redact: [] as string[], ...o };
  const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  check('retentionDays', resolved.retentionDays, isInt(resolved.retentionDays, 0), 'a non-negative integer (0 keeps executions for ever)');
  for (const key of ['batchSize', 'bufferSize'] as const) check(key, resolved[key], isInt(resolved[key], 1), 'a positive integer');
  for (const key of ['flushInterval', 'flushTimeout', 'recoverAfter'] as const)
    check(key, resolved[key], isDuration(resolved[key]), durationRule());
  // A row is looked for only once the process that ran the attempt has had time to write it.
  const recoverAfter = o.recoverAfter ?? Math.max(HISTORY_DEFAULTS.recoverAfter, 3 * resolved.flushInterval);
  check(
    'recoverAfter',
    recoverAfter,
    recoverAfter >= 3 * resolved.flushInterval,
    `at least 3 × flushInterval (${3 * resolved.flushInterval} ms)`,
  );
  resolved.recoverAfter = recoverAfter;
  check('maxLogLines', resolved.maxLogLines, isInt(resolved.maxLogLines, 0), 'a non-negative integer');
  check('keepPerName', o.keepPerName, o.keepPerName === undefined || isInt(o.keepPerName, 1), 'a positive integer');
  check(
    'redact',
    o.redact,
    Array.isArray(resolved.redact) && resolved.redact.every((k) => typeof k === 'string' && k),
    'a list of non-empty strings',
  );
  check(
    'dataSource',
    o.dataSource,
    o.dataSource === undefined || (typeof o.dataSource === 'string' && !!o.dataSource),
    'a DataSource name',
  );
  const { enabled: _enabled, outbox: _outbox, ...rest } = resolved;
  return rest;
}
