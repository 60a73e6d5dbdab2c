import type { DynamicModule } from '@nestjs/common';
import type { JobsMetricsOptions } from '../interfaces/jobs-admin.interface.js';
import type * as Swagger from '@nestjs/swagger';
import { mountController } from '../http/mount-controller.js';
import { importIfInstalled } from '../optional-import.js';
import { JobsMetrics } from './jobs.metrics.js';
import { METRICS_OPTIONS } from './metrics.constants.js';
import { MetricsController } from './metrics.controller.js';
import { resolveMetricsOptions } from './metrics-options.js';

/**
 * What `metrics` adds: the collector, exported for hosts that serve it themselves, and the scrape route unless they do
 * (`registry` given, or `path: false`).
 */
export async function metricsParts(given: JobsMetricsOptions): Promise<Pick<DynamicModule, 'providers' | 'controllers' | 'exports'>> {
  const metrics = resolveMetricsOptions(given);
  const providers = [{ provide: METRICS_OPTIONS, useValue: metrics }, JobsMetrics];
  if (metrics.path === false) return { providers, exports: [JobsMetrics] };
  const scrape = mountController(MetricsController, metrics.path, metrics.guards ?? []);
  // Keeps the scrape endpoint out of the host's Swagger document; without @nestjs/swagger there is no document.
  const swagger = await importIfInstalled<typeof Swagger>('@nestjs/swagger');
  swagger?.ApiExcludeController()(scrape);
  return { providers, controllers: [scrape], exports: [JobsMetrics] };
}
