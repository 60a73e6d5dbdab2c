import { BadRequestException, Body, Controller, Delete, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { JobService, JobsError, type ScheduleOptions } from 'nestjs-jobs';

@Controller('schedules')
export class SchedulesController {
  constructor(private readonly jobs: JobService) {}

  @Get()
  list() {
    return this.jobs.listSchedules();
  }

  @Post(':name')
  async schedule(@Param('name') name: string, @Body() body: ScheduleOptions) {
    try {
      return await this.jobs.schedule(name, body ?? {});
    } catch (err) {
      if (err instanceof JobsError) throw new BadRequestException({ code: err.code, message: err.message });
      throw err;
    }
  }

  @Delete(':id')
  async unschedule(@Param('id') id: string) {
    if (!(await this.jobs.unschedule(id))) throw new NotFoundException(`No run-time schedule "${id}".`);
    return { id, removed: true };
  }
}
