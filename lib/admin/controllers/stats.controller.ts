import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ExecutionStats } from '../../interfaces/job-history.interface.js';
import { JobHistoryService } from '../../history/job-history.service.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminQuery } from '../admin-input.decorators.js';
import { StatsDto, StatsQueryDto } from '../dto/stats.dto.js';

const MINUTE = 60_000;

@AdminRoutes()
export class StatsController {
  constructor(private readonly history: JobHistoryService) {}

  @Get()
  @ApiOperation({ summary: 'Attempts by status, completed per minute and durations over the last `window` minutes' })
  @ApiOkResponse({ type: StatsDto })
  stats(@AdminQuery() query: StatsQueryDto): Promise<ExecutionStats> {
    const { window = 60, name, queue } = query;
    const until = new Date();
    return this.history.stats({ name, queue, until, since: new Date(until.getTime() - window * MINUTE) });
  }
}
