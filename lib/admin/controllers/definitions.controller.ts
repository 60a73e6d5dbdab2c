import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { JobDefinitionNotFoundError } from '../../jobs.errors.js';
import type { JobHandle } from '../../interfaces/job-info.interface.js';
import type { ExecutionPage } from '../../interfaces/job-history.interface.js';
import type { JobDefinition } from '../../history/entities/job-definition.entity.js';
import type { JobExecution } from '../../history/entities/job-execution.entity.js';
import { JobDefinitionService } from '../../definitions/job-definition.service.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminBody, AdminQuery } from '../admin-input.decorators.js';
import { CreateDefinitionDto, JobDefinitionDto, UpdateDefinitionDto } from '../dto/definition.dto.js';
import { ErrorDto } from '../dto/error.dto.js';
import { ExecutionPageDto, ExecutionPageQueryDto } from '../dto/execution.dto.js';
import { JobHandleDto } from '../dto/run.dto.js';
import { found } from '../found.js';

const Id = () => Param('id');

@AdminRoutes()
export class DefinitionsController {
  constructor(private readonly definitions: JobDefinitionService) {}

  @Post()
  @ApiOperation({ summary: 'Define a job at run time: a registered handler, its data, and optionally a cron schedule' })
  @ApiCreatedResponse({ type: JobDefinitionDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The name is taken.' })
  create(@AdminBody() body: CreateDefinitionDto): Promise<JobDefinition> {
    return this.definitions.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'Every job definition, by name' })
  @ApiOkResponse({ type: [JobDefinitionDto] })
  list(): Promise<JobDefinition[]> {
    return this.definitions.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job definition' })
  @ApiOkResponse({ type: JobDefinitionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(@Id() id: string): Promise<JobDefinition> {
    return found(await this.definitions.get(id), () => new JobDefinitionNotFoundError(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a job definition; its schedule follows' })
  @ApiOkResponse({ type: JobDefinitionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The new name is taken.' })
  update(@Id() id: string, @AdminBody() body: UpdateDefinitionDto): Promise<JobDefinition> {
    return this.definitions.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a job definition and its schedule' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto })
  remove(@Id() id: string): Promise<void> {
    return this.definitions.remove(id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a job definition (its cron schedule starts)' })
  @ApiOkResponse({ type: JobDefinitionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  enable(@Id() id: string): Promise<JobDefinition> {
    return this.definitions.update(id, { enabled: true });
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a job definition (its cron schedule stops)' })
  @ApiOkResponse({ type: JobDefinitionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  disable(@Id() id: string): Promise<JobDefinition> {
    return this.definitions.update(id, { enabled: false });
  }

  @Post(':id/execute')
  @ApiOperation({ summary: 'Run a job definition now, enabled or not' })
  @ApiCreatedResponse({ type: JobHandleDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  execute(@Id() id: string): Promise<JobHandle> {
    return this.definitions.execute(id);
  }

  @Get(':id/executions')
  @ApiOperation({ summary: 'Executions of a job definition, newest first' })
  @ApiOkResponse({ type: ExecutionPageDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  executions(@Id() id: string, @AdminQuery() page: ExecutionPageQueryDto): Promise<ExecutionPage<JobExecution>> {
    return this.definitions.executions(id, page);
  }
}
