import { Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { JobService } from '../../job.service.js';
import { InvalidJobOptionsError, ScheduleNotFoundError } from '../../jobs.errors.js';
import type { ScheduleInfo } from '../../interfaces/schedule.interface.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminBody, AdminQuery } from '../admin-input.decorators.js';
import { cronProblem, isValidTimeZone, nextCronRuns } from '../../scheduling/cron-expression.js';
import { ErrorDto } from '../dto/error.dto.js';
import { CreateScheduleDto, ScheduleDto, SchedulePreviewDto, SchedulePreviewQueryDto } from '../dto/schedule.dto.js';

@AdminRoutes()
export class SchedulesController {
  constructor(private readonly jobs: JobService) {}

  @Get()
  @ApiOperation({ summary: 'Every schedule, soonest next run first' })
  @ApiOkResponse({ type: [ScheduleDto] })
  list(): Promise<ScheduleInfo[]> {
    return this.jobs.listSchedules();
  }

  @Get('preview')
  @ApiOperation({ summary: 'The next runs of a cron expression in a time zone, computed as the queue computes them' })
  @ApiOkResponse({ type: SchedulePreviewDto })
  preview(@AdminQuery() query: SchedulePreviewQueryDto): SchedulePreviewDto {
    const { cron, timeZone, count = 5 } = query;
    if (timeZone !== undefined && !isValidTimeZone(timeZone))
      throw new InvalidJobOptionsError('timeZone', `unknown time zone "${timeZone}".`);
    const problem = cronProblem(cron, timeZone);
    if (problem) throw new InvalidJobOptionsError('cron', `${problem}.`);
    return { runs: nextCronRuns(cron, { timeZone, count }) };
  }

  @Post()
  @ApiOperation({ summary: 'Create or replace a run-time schedule of a registered job (once per tick across instances)' })
  @ApiCreatedResponse({ type: ScheduleDto })
  create(@AdminBody() body: CreateScheduleDto): Promise<ScheduleInfo> {
    const { name, ...options } = body;
    return this.jobs.schedule(name as never, options as never);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a run-time schedule' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto })
  async remove(@Param('id') id: string): Promise<void> {
    if (!(await this.jobs.unschedule(id))) throw new ScheduleNotFoundError(id);
  }
}
