import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { JobDefinitionService, JobHistoryService, JobsError, type ExecutionStatus, type JobDefinitionInput } from 'nestjs-jobs';

/** A small window on the recorded history and the run-time job definitions. */
@Controller()
export class HistoryController {
  constructor(
    private readonly history: JobHistoryService,
    private readonly definitions: JobDefinitionService,
  ) {}

  @Get('history')
  find(@Query('name') name?: string, @Query('status') status?: ExecutionStatus, @Query('cursor') cursor?: string) {
    return this.refuseBadInput(() => this.history.find({ name, status, cursor }));
  }

  @Get('history/stats')
  stats(@Query('name') name?: string) {
    return this.history.stats({ name });
  }

  @Get('history/jobs/:jobId')
  attempts(@Param('jobId') jobId: string) {
    return this.history.attempts(jobId);
  }

  @Get('definitions')
  listDefinitions() {
    return this.definitions.list();
  }

  @Post('definitions')
  create(@Body() body: JobDefinitionInput) {
    return this.refuseBadInput(() => this.definitions.create(body));
  }

  @Post('definitions/:id/execute')
  execute(@Param('id') id: string) {
    return this.refuseBadInput(() => this.definitions.execute(id));
  }

  private async refuseBadInput<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof JobsError && err.code.endsWith('NOT_FOUND')) throw new NotFoundException({ code: err.code, message: err.message });
      if (err instanceof JobsError) throw new BadRequestException({ code: err.code, message: err.message });
      throw err;
    }
  }
}
