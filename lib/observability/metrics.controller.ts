import { Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { JobsMetrics } from './jobs.metrics.js';

/** The scrape endpoint; mounted only when the host gave no registry of its own. */
@ApiExcludeController()
export class MetricsController {
  constructor(private readonly metrics: JobsMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
