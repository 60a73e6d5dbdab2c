import { Get, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { JobExecutionNotFoundError } from '../../jobs.errors.js';
import type { JobHandle } from '../../interfaces/job-info.interface.js';
import type { ExecutionPage } from '../../interfaces/job-history.interface.js';
import type { JobExecution } from '../../history/entities/job-execution.entity.js';
import { JobHistoryService } from '../../history/job-history.service.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminQuery } from '../admin-input.decorators.js';
import { ErrorDto } from '../dto/error.dto.js';
import { ExecutionDto, ExecutionPageDto, ExecutionQueryDto } from '../dto/execution.dto.js';
import { JobHandleDto } from '../dto/run.dto.js';
import { found } from '../found.js';

@AdminRoutes()
export class ExecutionsController {
  constructor(private readonly history: JobHistoryService) {}

  @Get()
  @ApiOperation({ summary: 'Recorded attempts, newest first (by start time when from or to is given), in cursor pages' })
  @ApiOkResponse({ type: ExecutionPageDto })
  list(@AdminQuery() query: ExecutionQueryDto): Promise<ExecutionPage<JobExecution>> {
    return this.history.find(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One recorded attempt' })
  @ApiOkResponse({ type: ExecutionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(@Param('id') id: string): Promise<JobExecution> {
    return found(await this.history.get(id), () => new JobExecutionNotFoundError(id));
  }

  @Post(':id/retry')
  @ApiOperation({ summary: 'Run the job of a failed, timed-out or cancelled attempt again' })
  @ApiCreatedResponse({ type: JobHandleDto, description: 'The same job retried in place, or a new job once BullMQ has removed it.' })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The attempt did not fail, or its recorded data is redacted.' })
  retry(@Param('id') id: string): Promise<JobHandle> {
    return this.history.retry(id);
  }
}
