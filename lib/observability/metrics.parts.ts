import type { DynamicModule } from '@nestjs/common';
import type { JobsMetricsOptions } from '../interfaces/jobs-admin.interface.js';
import type * as Swagger from '@nestjs/swagger';
import { mountController } from '../http/mount-controller.js';
import { importIfInstalled } from '../optional-import.js';
import { JobsMetrics } from './jobs.metrics.js';
import { METRICS_OPTIONS } from './metrics.constants.js';
import { MetricsController } from './metrics.controller.js';

/** What `metrics` adds: the collector, exported for hosts that serve it themselves, and the scrape route unless they do. */
export async function metricsParts(metrics: JobsMetricsOptions): Promise<Pick<DynamicModule, 'providers' | 'controllers' | 'exports'>> {
  const providers = [{ provide: METRICS_OPTIONS, useValue: metrics }, JobsMetrics];
  if (metrics.registry) return { providers, exports: [JobsMetrics] };
  const path = (metrics.path ?? 'metrics').replace(/^\/+|\/+$/g, '');
  const scrape = mountController(MetricsController, path, metrics.guards ?? []);
  // Keeps the scrape endpoint out of the host's Swagger document; without @nestjs/swagger there is no document.
  const swagger = await importIfInstalled<typeof Swagger>('@nestjs/swagger');
  swagger?.ApiExcludeController()(scrape);
  return { providers, controllers: [scrape], exports: [JobsMetrics] };
}
