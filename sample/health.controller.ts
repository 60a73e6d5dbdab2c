import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { JobsHealthIndicator } from 'nestjs-jobs';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly jobs: JobsHealthIndicator,
  ) {}

  /** 200 while the queue backend answers and every queue has its worker; 503 otherwise. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.jobs.isHealthy()]);
  }
}
