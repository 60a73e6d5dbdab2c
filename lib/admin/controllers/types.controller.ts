import { Get, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { JobService } from '../../job.service.js';
import type { JobTypeInfo } from '../../interfaces/job-info.interface.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { ErrorDto } from '../dto/error.dto.js';
import { JobTypeDto } from '../dto/job-type.dto.js';
import { found } from '../found.js';

@AdminRoutes()
export class TypesController {
  constructor(private readonly jobs: JobService) {}

  @Get()
  @ApiOperation({ summary: 'Registered job names with their queue, defaults and payload schema' })
  @ApiOkResponse({ type: [JobTypeDto] })
  list(): JobTypeInfo[] {
    return this.jobs.types();
  }

  @Get(':name')
  @ApiOperation({ summary: 'One registered job name' })
  @ApiOkResponse({ type: JobTypeDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@Param('name') name: string): JobTypeInfo {
    return found(
      this.jobs.type(name),
      () =>
        new NotFoundException(
          `Unknown job "${name}"; known jobs: ${this.jobs
            .types()
            .map((t) => t.name)
            .join(', ')}.`,
        ),
    );
  }
}
