import { Body, Controller, Get, Header, NotFoundException, Param, Post, Sse, UseFilters, type MessageEvent } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { JobService, JobsExceptionFilter, type JobEvent } from 'nestjs-jobs';
import { map, type Observable } from 'rxjs';
import { ReportDto } from './jobs/report.job.js';
import { reportPage } from './report-page.js';

/** What a user's browser is told of their report: the job's progress and outcome, nothing of the queue's inside. */
function forTheUser(event: JobEvent): MessageEvent {
  if (event.type === 'progress') return { data: { state: 'running', progress: event.progress } };
  if (event.type === 'completed') return { data: { state: 'completed', result: event.result } };
  if (event.type === 'failed' || event.type === 'timeout' || event.type === 'cancelled') return { data: { state: event.type } };
  return { data: { state: event.type === 'active' ? 'running' : 'waiting' } };
}

/**
 * Routes of the host's own: order a report through `JobService`, and follow it from a browser. The progress comes from
 * every instance (`watch`), so it works whichever replica runs the job and whichever answers the browser.
 */
@Controller('reports')
// The module's errors (a payload that fails ReportDto, say) become 4xx answers naming the field.
@UseFilters(JobsExceptionFilter)
export class ReportsController {
  constructor(private readonly jobs: JobService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The report is queued: its job id and queue.' })
  @ApiBadRequestResponse({ description: 'The report does not pass ReportDto: the answer names each field at fault.' })
  order(@Body() report: ReportDto) {
    return this.jobs.add('report.generate', { ...report }, { priority: 'high' });
  }

  /** Server-Sent Events of one report, ending with its outcome; an unknown id answers 404. */
  @Sse(':id/events')
  @ApiOkResponse({ description: "Server-Sent Events of the report's progress, ending with its outcome." })
  @ApiNotFoundResponse({ description: 'No report has this id.' })
  async events(@Param('id') id: string): Promise<Observable<MessageEvent>> {
    if (!(await this.jobs.get(id, 'reports'))) throw new NotFoundException(`No report ${id}.`);
    return this.jobs.watch(id, 'reports').pipe(map(forTheUser));
  }

  /** A page that shows the report's progress live. */
  @Get(':id')
  @ApiOkResponse({ description: 'An HTML page that follows the report live.' })
  @Header('content-type', 'text/html; charset=utf-8')
  page(@Param('id') id: string): string {
    return reportPage(id);
  }
}
