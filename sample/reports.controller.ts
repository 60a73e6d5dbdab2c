import { Body, Controller, Post, UseFilters } from '@nestjs/common';
import { JobService, JobsExceptionFilter } from 'nestjs-jobs';
import { ReportDto } from './jobs/report.job.js';

/** A route of the host's own that enqueues through `JobService`, next to the module's admin API. */
@Controller('reports')
// The module's errors (a payload that fails ReportDto, say) become 4xx answers naming the field.
@UseFilters(JobsExceptionFilter)
export class ReportsController {
  constructor(private readonly jobs: JobService) {}

  @Post()
  order(@Body() report: ReportDto) {
    return this.jobs.add('report.generate', { ...report }, { priority: 'high' });
  }
}
