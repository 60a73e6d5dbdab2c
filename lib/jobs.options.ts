import type { Telemetry } from 'bullmq';
import { DEFAULT_PREFIX } from './jobs.constants.js';
import { ATTEMPTS_RULE, badOption, durationRule, integerOption, isAttempts, isDuration, isPositiveInt } from './option-checks.js';
import type { JobBackoff, KeepJobs } from './interfaces/job-options.interface.js';
import type { JobsExtraSettings } from './interfaces/extra-settings.interface.js';
import type { JobsConnection, JobsModuleOptions, QueueOptions, StalledJobOptions } from './interfaces/jobs-module-options.interface.js';
import { checkConnection } from './backends/queue-backend.js';
import { normalizeBackoff } from './policy/backoff.js';
import { DEFAULT_JOB_OPTIONS, type JobDefaults } from './policy/job-options.policy.js';
import { DEFAULT_INPUT_LIMITS } from './policy/input-shape.js';
import type { InputLimits } from './interfaces/input-limits.interface.js';

/** Options after defaults are merged: the rest of the module reads these and never checks for absence. */
export interface ResolvedJobsOptions {
  connection: JobsConnection;
  prefix: string;
  queues: Record<string, ResolvedQueueOptions>;
  /** For queues not named in `queues`. */
  stalled: Required<StalledJobOptions>;
  defaultJobOptions: JobDefaults;
  workers: boolean | string[];
  shutdownTimeout: number;
  startupTimeout: number;
  maxPayloadBytes: number;
  inputLimits: InputLimits;
  eventStreamLength: number;
  /** BullMQ's telemetry, passed to every queue, worker and flow producer; `undefined`: nothing is traced. */
  telemetry: Telemetry | undefined;
  /** What the async factory gave the extras; `{}` when nothing. */
  extraSettings: JobsExtraSettings;
}

/** A queue's options with the module-wide `stalled` settings merged under its own. */
export interface ResolvedQueueOptions extends QueueOptions {
  stalled: Required<StalledJobOptions>;
}

export const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;
export const DEFAULT_STARTUP_TIMEOUT = 30_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;
/** BullMQ's own default: events kept per queue's stream. */
export const DEFAULT_EVENT_STREAM_LENGTH = 10_000;
/** BullMQ's own defaults, stated here so the resolved options are complete. */
export const DEFAULT_STALLED_OPTIONS: Readonly<Required<StalledJobOptions>> = {
  lockDuration: 30_000,
  interval: 30_000,
  maxCount: 1,
};

const fail = badOption;

function checkKeep(option: string, v: unknown): void {
  const ok = typeof v === 'boolean' || (Number.isInteger(v) && (v as number) >= 0) || (typeof v === 'object' && v !== null);
  if (!ok) fail(option, 'a boolean, a count or { age, count }', v);
}

/** A backoff's delay, or the backoff itself when it is a bare delay, may be a numeric string too. */
function backoffOption(backoff: JobBackoff | number): JobBackoff | number {
  return backoff && typeof backoff === 'object' ? { ...backoff, delay: integerOption(backoff.delay) } : integerOption(backoff);
}

/** A count, or the `age` and `count` of `{ age, count }`, may be numeric strings too. */
function keepOption(keep: KeepJobs): KeepJobs {
  if (!keep || typeof keep !== 'object') return integerOption(keep);
  const converted: { age?: number; count?: number } = { ...keep };
  for (const key of ['age', 'count'] as const) if (converted[key] !== undefined) converted[key] = integerOption(converted[key]);
  return converted as KeepJobs;
}

/** Validates `stalled` at `path` and merges it over `base`, field by field. */
function resolveStalled(
  path: string,
  given: StalledJobOptions | undefined,
  base: Required<StalledJobOptions>,
): Required<StalledJobOptions> {
  if (given === undefined) return { ...base };
  if (!given || typeof given !== 'object' || Array.isArray(given)) fail(path, '{ lockDuration?, interval?, maxCount? }', given);
  const { lockDuration: lock = base.lockDuration, interval: every = base.interval, maxCount: count = base.maxCount } = given;
  const [lockDuration, interval, maxCount] = [integerOption(lock), integerOption(every), integerOption(count)];
  if (!isDuration(lockDuration)) fail(`${path}.lockDuration`, durationRule(), lockDuration);
  if (!isDuration(interval)) fail(`${path}.interval`, durationRule(), interval);
  if (!Number.isInteger(maxCount) || maxCount < 0) fail(`${path}.maxCount`, 'a non-negative integer', maxCount);
  return { lockDuration, interval, maxCount };
}

function resolveInputLimits(given: Partial<InputLimits> | undefined): InputLimits {
  if (given === undefined) return { ...DEFAULT_INPUT_LIMITS };
  if (!given || typeof given !== 'object' || Array.isArray(given)) fail('inputLimits', '{ depth?, keys?, items? }', given);
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS };
  for (const key of Object.keys(given) as Array<keyof InputLimits>) {
    if (!(key in DEFAULT_INPUT_LIMITS)) fail(`inputLimits.${key}`, 'one of depth, keys, items', key);
    const value = integerOption(given[key]);
    if (!isPositiveInt(value)) fail(`inputLimits.${key}`, 'a positive integer', value);
    limits[key] = value as number;
  }
  return limits;
}

const hasMethods = (o: unknown, names: string[]) =>
  !!o && typeof o === 'object' && names.every((n) => typeof (o as Record<string, unknown>)[n] === 'function');

/** Shown by its keys: a tracer provider or SDK passed by mistake may not survive JSON.stringify. */
const showTelemetry = (v: unknown) =>
  v && typeof v === 'object'
    ? `an object with keys [${Object.keys(v).join(', ')}]`
    : typeof v === 'function'
      ? 'a function'
      : JSON.stringify(v);

/** BullMQ calls `tracer.startSpan` and the context manager's methods on every traced operation. */
function checkTelemetry(telemetry: unknown): Telemetry | undefined {
  if (telemetry === undefined) return undefined;
  const { tracer, contextManager } = (telemetry ?? {}) as Partial<Telemetry>;
  if (!(hasMethods(tracer, ['startSpan']) && hasMethods(contextManager, ['with', 'active', 'getMetadata', 'fromMetadata']))) {
    fail('telemetry', "BullMQ's Telemetry ({ tracer, contextManager }), e.g. new BullMQOtel() from bullmq-otel", telemetry, showTelemetry);
  }
  return telemetry as Telemetry;
}

/** Validates what the host passed and merges the defaults, so a wrong option stops start-up naming itself. */
export function resolveJobsOptions(options: JobsModuleOptions): ResolvedJobsOptions {
  if (!options || typeof options !== 'object') fail('', 'an object', options);
  const connection = checkConnection(options.connection);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || !prefix || prefix.includes(':')) fail('prefix', 'a non-empty string without ":"', prefix);

  const stalled = resolveStalled('stalled', options.stalled, DEFAULT_STALLED_OPTIONS);
  const queues: ResolvedJobsOptions['queues'] = {};
  for (const [name, queue] of Object.entries(options.queues ?? {})) {
    if (name.includes(':')) fail(`queues.${name}`, 'a queue name without ":"', name);
    const resolved: ResolvedQueueOptions = { ...queue, stalled: resolveStalled(`queues.${name}.stalled`, queue?.stalled, stalled) };
    if (queue?.concurrency !== undefined) {
      resolved.concurrency = integerOption(queue.concurrency);
      if (!isPositiveInt(resolved.concurrency)) fail(`queues.${name}.concurrency`, 'a positive integer', queue.concurrency);
    }
    if (queue?.globalConcurrency !== undefined) {
      resolved.globalConcurrency = integerOption(queue.globalConcurrency);
      if (!isPositiveInt(resolved.globalConcurrency))
        fail(`queues.${name}.globalConcurrency`, 'a positive integer', queue.globalConcurrency);
    }
    if (queue?.limiter) {
      resolved.limiter = { ...queue.limiter, max: integerOption(queue.limiter.max), duration: integerOption(queue.limiter.duration) };
      if (!(isPositiveInt(resolved.limiter.max) && isDuration(resolved.limiter.duration))) {
        fail(`queues.${name}.limiter`, `{ max: positive integer, duration: ${durationRule()} }`, queue.limiter);
      }
    }
    queues[name] = resolved;
  }

  const given = options.defaultJobOptions ?? {};
  const attempts = integerOption(given.attempts ?? DEFAULT_JOB_OPTIONS.attempts);
  if (!isAttempts(attempts)) fail('defaultJobOptions.attempts', ATTEMPTS_RULE, attempts);
  const timeout = integerOption(given.timeout);
  if (timeout !== undefined && !isDuration(timeout)) fail('defaultJobOptions.timeout', durationRule(), timeout);
  const backoff = normalizeBackoff(backoffOption(given.backoff ?? DEFAULT_JOB_OPTIONS.backoff), 'defaultJobOptions.backoff');
  const removeOnComplete = keepOption(given.removeOnComplete ?? DEFAULT_JOB_OPTIONS.removeOnComplete);
  const removeOnFail = keepOption(given.removeOnFail ?? DEFAULT_JOB_OPTIONS.removeOnFail);
  checkKeep('defaultJobOptions.removeOnComplete', removeOnComplete);
  checkKeep('defaultJobOptions.removeOnFail', removeOnFail);

  const workers = options.workers ?? true;
  if (typeof workers !== 'boolean' && !(Array.isArray(workers) && workers.every((q) => typeof q === 'string'))) {
    fail('workers', 'a boolean or a list of queue names', workers);
  }
  const shutdownTimeout = integerOption(options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT);
  if (!isDuration(shutdownTimeout, 0)) fail('shutdownTimeout', durationRule(0), shutdownTimeout);
  const startupTimeout = integerOption(options.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT);
  if (!isDuration(startupTimeout)) fail('startupTimeout', durationRule(), startupTimeout);
  const maxPayloadBytes = integerOption(options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  if (!isPositiveInt(maxPayloadBytes)) fail('maxPayloadBytes', 'a positive integer', maxPayloadBytes);
  const inputLimits = resolveInputLimits(options.inputLimits);
  const eventStreamLength = integerOption(options.eventStreamLength ?? DEFAULT_EVENT_STREAM_LENGTH);
  if (!isPositiveInt(eventStreamLength)) fail('eventStreamLength', 'a positive integer', eventStreamLength);
  const telemetry = checkTelemetry(options.telemetry);
  const extraSettings = options.extraSettings ?? {};
  if (typeof extraSettings !== 'object' || extraSettings === null || Array.isArray(extraSettings)) {
    fail('extraSettings', '{ board?, builtins? }', extraSettings);
  }

  return {
    connection,
    prefix,
    queues,
    stalled,
    defaultJobOptions: { attempts, backoff, timeout, removeOnComplete, removeOnFail },
    workers,
    shutdownTimeout,
    startupTimeout,
    maxPayloadBytes,
    inputLimits,
    eventStreamLength,
    telemetry,
    extraSettings,
  };
}
