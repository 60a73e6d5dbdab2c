import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_JSON, RECORDED_PROGRESS } from './any-json.js';
import { OptionalDate, OptionalText, PageCursor, PageLimit, QueryEnum } from './field.decorators.js';
import { EXECUTION_STATUSES, type ExecutionQuery, type ExecutionStatus } from '../../interfaces/job-history.interface.js';

/** Execution ids grow with insertion and fit a signed 64-bit integer on every database. */

export class ExecutionPageQueryDto {
  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class ExecutionQueryDto extends ExecutionPageQueryDto implements ExecutionQuery {
  @OptionalText() name?: string;
  @QueryEnum('ExecutionStatus', EXECUTION_STATUSES) status?: ExecutionStatus;
  @OptionalText() queue?: string;
  @OptionalText() jobId?: string;
  @OptionalText() definitionId?: string;

  @OptionalDate({ description: 'Attempts that started at or after this moment.' })
  from?: Date;

  @OptionalDate({ description: 'Attempts that started before this moment.' })
  to?: Date;
}

export class ExecutionDto {
  @ApiProperty({ description: 'Grows with insertion order.' }) id!: string;
  @ApiProperty() jobId!: string;
  @ApiProperty() queue!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status!: ExecutionStatus;
  @ApiProperty({ description: '1 for the first attempt; 0 for a job cancelled before it ran.' }) attempt!: number;
  @ApiProperty() maxAttempts!: number;
  @ApiProperty({ ...ANY_JSON, description: 'Redacted as `history.redact` says.' }) data!: unknown;
  @ApiProperty(ANY_JSON) result!: unknown;
  @ApiProperty({ type: String, nullable: true }) errorMessage!: string | null;
  @ApiProperty({ type: String, nullable: true }) errorStack!: string | null;
  @ApiProperty(RECORDED_PROGRESS) progress!: number | object | null;
  @ApiProperty({ type: [String], nullable: true }) logs!: string[] | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) enqueuedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: Date | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: String, nullable: true }) workerHost!: string | null;
  @ApiProperty({ type: Number, nullable: true }) workerPid!: number | null;
  @ApiProperty({ type: String, nullable: true }) schedule!: string | null;
  @ApiProperty({ type: String, nullable: true }) definitionId!: string | null;
}

export class ExecutionPageDto {
  @ApiProperty({ type: [ExecutionDto] }) items!: ExecutionDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next (older) page; absent on the last page.' }) nextCursor?: string;
}
