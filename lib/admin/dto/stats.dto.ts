import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalText, QueryInt } from './field.decorators.js';
import type { ExecutionStats } from '../../interfaces/job-history.interface.js';

export class StatsQueryDto {
  @QueryInt(1, 43_200, { description: 'Minutes back from now; at most 30 days.', default: 60 })
  window?: number;

  @OptionalText() name?: string;
  @OptionalText() queue?: string;
}

export class StatusCountsDto {
  @ApiPropertyOptional() running?: number;
  @ApiPropertyOptional() completed?: number;
  @ApiPropertyOptional() failed?: number;
  @ApiPropertyOptional() timeout?: number;
  @ApiPropertyOptional() cancelled?: number;
  @ApiPropertyOptional() retrying?: number;
}

export class StatsDto implements ExecutionStats {
  @ApiProperty({ type: String, format: 'date-time' }) since!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) until!: Date;
  @ApiProperty({ description: 'Attempts started in the window.' }) total!: number;
  @ApiProperty({ type: StatusCountsDto }) byStatus!: StatusCountsDto;
  @ApiProperty({ description: 'Completed attempts per minute over the window.' }) throughputPerMinute!: number;
  @ApiPropertyOptional({ description: 'Milliseconds, over finished attempts.' }) meanDurationMs?: number;
  @ApiPropertyOptional({ description: 'Milliseconds, over finished attempts.' }) p95DurationMs?: number;
}

export class StatsSeriesQueryDto extends StatsQueryDto {
  @QueryInt(1, 60, { description: 'Equal slices of the window, oldest first.', default: 12 })
  buckets?: number;
}

export class StatsPointDto {
  @ApiProperty({ type: String, format: 'date-time' }) since!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) until!: Date;
  @ApiProperty({ description: 'Attempts started in the slice.' }) total!: number;
  @ApiProperty() completed!: number;
  @ApiProperty({ description: 'Failed and timed-out attempts.' }) failed!: number;
  @ApiProperty({ description: 'Completed attempts per minute.' }) throughputPerMinute!: number;
  @ApiProperty({ description: 'failed / (completed + failed); 0 without either.' }) failureRate!: number;
  @ApiPropertyOptional({ description: 'Milliseconds, over finished attempts.' }) p95DurationMs?: number;
}

export class StatsSeriesDto {
  @ApiProperty({ type: [StatsPointDto] }) points!: StatsPointDto[];
}
