import { Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { JobService } from '../../job.service.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminBody } from '../admin-input.decorators.js';
import { ErrorDto } from '../dto/error.dto.js';
import { CleanQueueDto, CleanResultDto, DrainQueueDto, QueueDto } from '../dto/queue.dto.js';

const NoSuchQueue = () => ApiNotFoundResponse({ type: ErrorDto, description: 'No queue of that name.' });

@AdminRoutes()
export class QueuesController {
  constructor(private readonly jobs: JobService) {}

  @Get()
  @ApiOperation({ summary: 'Every queue with its job counts' })
  @ApiOkResponse({ type: [QueueDto] })
  async list(): Promise<QueueDto[]> {
    return Object.entries(await this.jobs.counts()).map(([name, counts]) => ({ name, ...counts }));
  }

  @Get(':name')
  @NoSuchQueue()
  @ApiOperation({ summary: 'One queue with its job counts' })
  @ApiOkResponse({ type: QueueDto })
  async get(@Param('name') name: string): Promise<QueueDto> {
    return { name, ...(await this.jobs.counts(name)) };
  }

  @Post(':name/pause')
  @NoSuchQueue()
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop handing out jobs of this queue, on every instance' })
  @ApiNoContentResponse()
  pause(@Param('name') name: string): Promise<void> {
    return this.jobs.pause(name);
  }

  @Post(':name/resume')
  @NoSuchQueue()
  @HttpCode(204)
  @ApiOperation({ summary: 'Resume a paused queue' })
  @ApiNoContentResponse()
  resume(@Param('name') name: string): Promise<void> {
    return this.jobs.resume(name);
  }

  @Post(':name/drain')
  @NoSuchQueue()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove waiting jobs (and delayed ones when asked); running jobs go on' })
  @ApiNoContentResponse()
  drain(@Param('name') name: string, @AdminBody({ required: false }) body: DrainQueueDto): Promise<void> {
    return this.jobs.drain(name, body);
  }

  @Post(':name/clean')
  @NoSuchQueue()
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove jobs of one status older than `grace` ms' })
  @ApiOkResponse({ type: CleanResultDto })
  async clean(@Param('name') name: string, @AdminBody({ required: false }) body: CleanQueueDto): Promise<CleanResultDto> {
    return { removed: await this.jobs.clean(name, body) };
  }
}
