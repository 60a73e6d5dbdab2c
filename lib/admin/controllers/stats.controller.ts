import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ExecutionStats } from '../../interfaces/job-history.interface.js';
import { JobHistoryService } from '../../history/job-history.service.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminQuery } from '../admin-input.decorators.js';
import { StatsDto, StatsPointDto, StatsQueryDto, StatsSeriesDto, StatsSeriesQueryDto } from '../dto/stats.dto.js';

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

  @Get('series')
  @ApiOperation({ summary: 'Throughput, failure rate and p95 duration in equal slices of the last `window` minutes, oldest first' })
  @ApiOkResponse({ type: StatsSeriesDto })
  async series(@AdminQuery() query: StatsSeriesQueryDto): Promise<StatsSeriesDto> {
    const { window = 60, buckets = 12, name, queue } = query;
    const end = Date.now();
    const slice = (window * MINUTE) / buckets;
    const points: StatsPointDto[] = [];
    // One slice after another: the same queries as the summary's, never more than one at a time on the host's pool.
    for (let i = 0; i < buckets; i++) {
      const since = new Date(Math.round(end - window * MINUTE + i * slice));
      const until = new Date(Math.round(end - window * MINUTE + (i + 1) * slice));
      const s = await this.history.stats({ name, queue, since, until });
      const completed = s.byStatus.completed ?? 0;
      const failed = (s.byStatus.failed ?? 0) + (s.byStatus.timeout ?? 0);
      points.push({
        since,
        until,
        total: s.total,
        completed,
        failed,
        throughputPerMinute: s.throughputPerMinute,
        failureRate: completed + failed ? Math.round((failed / (completed + failed)) * 1000) / 1000 : 0,
        ...(s.p95DurationMs !== undefined ? { p95DurationMs: s.p95DurationMs } : {}),
      });
    }
    return { points };
  }
}
