import { Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { JobService } from '../../job.service.js';
import { JobNotFoundError } from '../../jobs.errors.js';
import { found } from '../found.js';
import type { CancelResult } from '../../interfaces/job-flow.interface.js';
import type { JobHandle, JobInfo } from '../../interfaces/job-info.interface.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { BODY_LIMIT_NOTE } from '../admin.constants.js';
import { AdminBody, AdminQuery } from '../admin-input.decorators.js';
import { ErrorDto } from '../dto/error.dto.js';
import {
  BulkEnqueueDto,
  CancelResultDto,
  EnqueueRunDto,
  JobHandleDto,
  JobInfoDto,
  QueueQueryDto,
  RunListQueryDto,
} from '../dto/run.dto.js';

@AdminRoutes()
export class RunsController {
  constructor(private readonly jobs: JobService) {}

  @Post()
  @ApiOperation({ summary: 'Enqueue a job; its data is checked against the job type’s schema' })
  @ApiCreatedResponse({ type: JobHandleDto })
  enqueue(@AdminBody() body: EnqueueRunDto): Promise<JobHandle> {
    return this.jobs.add(body.name as never, (body.data ?? {}) as never, body.options);
  }

  @Post('bulk')
  @ApiOperation({
    summary: 'Enqueue up to 1,000 jobs; all are checked before any is added',
    description: `Up to 1,000 jobs, within ${BODY_LIMIT_NOTE}.`,
  })
  @ApiCreatedResponse({ type: [JobHandleDto] })
  enqueueBulk(@AdminBody() body: BulkEnqueueDto): Promise<JobHandle[]> {
    return this.jobs.addBulk(body.jobs.map((j) => ({ name: j.name, data: j.data ?? {}, options: j.options })));
  }

  @Get()
  @ApiOperation({ summary: 'Jobs in the queues, newest first' })
  @ApiOkResponse({ type: [JobInfoDto] })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No queue of that name.' })
  list(@AdminQuery() query: RunListQueryDto): Promise<JobInfo[]> {
    return this.jobs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job' })
  @ApiOkResponse({ type: JobInfoDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No job of that id, or no queue of that name.' })
  async get(@Param('id') id: string, @AdminQuery() query: QueueQueryDto): Promise<JobInfo> {
    return found(await this.jobs.get(id, query.queue), () => new JobNotFoundError(id));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel a job: removed if it has not started, told to abort if it runs' })
  @ApiOkResponse({ type: CancelResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No job of that id, or no queue of that name.' })
  @ApiConflictResponse({ type: ErrorDto, description: 'The job has finished.' })
  cancel(@Param('id') id: string, @AdminQuery() query: QueueQueryDto): Promise<CancelResult> {
    return this.jobs.cancel(id, query.queue);
  }

  @Post(':id/retry')
  @HttpCode(204)
  @ApiOperation({ summary: 'Run a failed, timed-out or cancelled job again with fresh attempts' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No job of that id, or no queue of that name.' })
  @ApiConflictResponse({ type: ErrorDto, description: 'The job has not failed.' })
  retry(@Param('id') id: string, @AdminQuery() query: QueueQueryDto): Promise<void> {
    return this.jobs.retry(id, query.queue);
  }
}
