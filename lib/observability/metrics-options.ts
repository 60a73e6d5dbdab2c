import { register, Registry } from 'prom-client';
import type { JobsMetricsOptions } from '../interfaces/jobs-admin.interface.js';
import { badOption } from '../option-checks.js';

/** `metrics` as the collector reads it: `registry: 'default'` is prom-client's global `register`. */
export interface ResolvedMetricsOptions extends Omit<JobsMetricsOptions, 'registry' | 'path'> {
  registry?: Registry;
  /** The scrape route below the global prefix, or false when the module serves none. */
  path: string | false;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const isRegistry = (v: unknown): v is Registry =>
  v instanceof Registry || (typeof v === 'object' && v !== null && typeof (v as Registry).registerMetric === 'function');

function checkBuckets(option: string, buckets: unknown): void {
  const ok =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every((b, i) => typeof b === 'number' && b > 0 && (i === 0 || b > buckets[i - 1]));
  if (!ok) badOption(option, 'a non-empty array of increasing positive numbers of seconds', buckets);
}

/** Checks `metrics` when the module starts, naming the option at fault. */
export function resolveMetricsOptions(metrics: JobsMetricsOptions): ResolvedMetricsOptions {
  const { registry, path = 'metrics', prefix, durationBuckets, waitBuckets } = metrics;
  if (registry !== undefined && registry !== 'default' && !isRegistry(registry)) {
    badOption('metrics.registry', "a prom-client Registry or 'default' (prom-client's global register)", registry);
  }
  if (path !== false && (typeof path !== 'string' || !/^\/*[^?#\s/][^?#\s]*$/.test(path))) {
    badOption('metrics.path', 'a URL path such as "metrics", or false to serve no route', path);
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || !METRIC_NAME.test(prefix))) {
    badOption('metrics.prefix', 'the start of a Prometheus metric name, such as "jobs_"', prefix);
  }
  if (durationBuckets !== undefined) checkBuckets('metrics.durationBuckets', durationBuckets);
  if (waitBuckets !== undefined) checkBuckets('metrics.waitBuckets', waitBuckets);
  return {
    ...metrics,
    registry: registry === 'default' ? register : registry,
    path: path === false || registry !== undefined ? false : path.replace(/^\/+|\/+$/g, ''),
  };
}
