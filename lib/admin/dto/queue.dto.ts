import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { Absent, InputSchema, MAX_INT32, OptionalDuration, OptionalInt } from './field.decorators.js';
import type { CleanOptions } from '../../interfaces/job-flow.interface.js';
import type { QueueCounts } from '../../interfaces/job-info.interface.js';
import { CLEAN_STATUSES } from '../../policy/list-query.js';

export class QueueDto implements QueueCounts {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) waiting!: number;
  @ApiProperty({ type: 'integer' }) prioritized!: number;
  @ApiProperty({ type: 'integer' }) delayed!: number;
  @ApiProperty({ type: 'integer' }) active!: number;
  @ApiProperty({ type: 'integer' }) completed!: number;
  @ApiProperty({ type: 'integer' }) failed!: number;
  @ApiProperty({ name: 'waiting-children', type: 'integer' }) 'waiting-children'!: number;
  @ApiProperty() paused!: boolean;
}

@InputSchema()
export class DrainQueueDto {
  @ApiPropertyOptional({ default: false, description: 'Remove delayed jobs too.' })
  @Absent()
  @IsBoolean()
  delayed?: boolean;
}

@InputSchema()
export class CleanQueueDto implements CleanOptions {
  @OptionalDuration(0, {
    default: 0,
    description: 'Only jobs that finished (or, for waiting states, were created) at least this many ms ago.',
  })
  grace?: number;

  @ApiPropertyOptional({ enum: CLEAN_STATUSES, default: 'completed' })
  @Absent()
  @IsIn(CLEAN_STATUSES)
  status?: CleanOptions['status'];

  @OptionalInt(0, MAX_INT32, { default: 0, description: 'At most this many; 0 for no limit.' })
  limit?: number;
}

export class CleanResultDto {
  @ApiProperty({ type: [String], description: 'Ids of the removed jobs.' }) removed!: string[];
}
