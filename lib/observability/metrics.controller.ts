import { Get, Header, Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { JobsMetrics } from './jobs.metrics.js';

/**
 * The scrape endpoint; mounted only when the host gave no registry of its own. `@Injectable()` has TypeScript emit the
 * constructor's types, which Nest injects by; `mountController` makes it a controller.
 */
@Injectable()
export class MetricsController {
  constructor(private readonly metrics: JobsMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
