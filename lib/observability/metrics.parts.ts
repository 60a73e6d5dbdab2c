import type { DynamicModule } from '@nestjs/common';
import type { JobsMetricsOptions } from '../interfaces/jobs-admin.interface.js';
import { mountController } from '../http/mount-controller.js';
import { JobsMetrics } from './jobs.metrics.js';
import { METRICS_OPTIONS } from './metrics.constants.js';
import { MetricsController } from './metrics.controller.js';

export const metricsEnabled = (metrics: JobsMetricsOptions | undefined): metrics is JobsMetricsOptions => !!metrics && metrics.enabled !== false;

/** What `metrics` adds: the collector, exported for hosts that serve it themselves, and the scrape route unless they do. */
export function metricsParts(metrics: JobsMetricsOptions): Pick<DynamicModule, 'providers' | 'controllers' | 'exports'> {
  const path = (metrics.path ?? 'metrics').replace(/^\/+|\/+$/g, '');
  return {
    providers: [{ provide: METRICS_OPTIONS, useValue: metrics }, JobsMetrics],
    controllers: metrics.registry ? [] : [mountController(MetricsController, path, metrics.guards ?? [])],
    exports: [JobsMetrics],
  };
}
