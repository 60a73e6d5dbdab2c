import { Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { JobService } from '../../job.service.js';
import { ScheduleNotFoundError } from '../../jobs.errors.js';
import type { ScheduleInfo } from '../../interfaces/schedule.interface.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminBody } from '../admin-input.decorators.js';
import { ErrorDto } from '../dto/error.dto.js';
import { CreateScheduleDto, ScheduleDto } from '../dto/schedule.dto.js';

@AdminRoutes()
export class SchedulesController {
  constructor(private readonly jobs: JobService) {}

  @Get()
  @ApiOperation({ summary: 'Every schedule, soonest next run first' })
  @ApiOkResponse({ type: [ScheduleDto] })
  list(): Promise<ScheduleInfo[]> {
    return this.jobs.listSchedules();
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
