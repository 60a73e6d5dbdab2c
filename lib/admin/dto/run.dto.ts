import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, MinDate, ValidateBy, ValidateNested } from 'class-validator';
import { MAX_PRIORITY, PRIORITY_LEVELS } from '../../jobs.constants.js';
import { ANY_JSON, PROGRESS } from './any-json.js';
import { RetryPolicyDto } from './retry-policy.dto.js';
import {
  Absent,
  InputSchema,
  OptionalDate,
  OptionalDuration,
  OptionalText,
  PageLimit,
  QueryEnum,
  QueryInt,
  RequiredName,
} from './field.decorators.js';
import { BODY_LIMIT_NOTE } from '../admin.constants.js';
import type { JobAddOptions, JobPriority } from '../../interfaces/job-options.interface.js';
import { isJobPriority, PRIORITY_RULE } from '../../policy/priority.js';
import { LIST_BOUNDS, LIST_STATES } from '../../policy/list-query.js';
import type { CancelResult, JobListQuery } from '../../interfaces/job-flow.interface.js';
import type { JobHandle, JobInfo, JobState } from '../../interfaces/job-info.interface.js';

const PRIORITY_NAMES = Object.keys(PRIORITY_LEVELS);

const IsPriority = () =>
  ValidateBy({
    name: 'isPriority',
    validator: {
      validate: isJobPriority,
      defaultMessage: () => `priority must be ${PRIORITY_RULE}`,
    },
  });

@InputSchema()
export class RunOptionsDto extends RetryPolicyDto implements Omit<JobAddOptions, 'deduplication' | 'removeOnComplete' | 'removeOnFail'> {
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: PRIORITY_NAMES },
      { type: 'integer', minimum: 1, maximum: MAX_PRIORITY },
    ],
  })
  @Absent()
  @IsPriority()
  priority?: JobPriority;

  @OptionalDuration(0, { description: 'Milliseconds before the job may run; for a later start, use runAt.' })
  delay?: number;

  @OptionalDate({ description: 'A moment in the future; exclusive with delay.' })
  @MinDate(() => new Date(), { message: 'runAt must be in the future' })
  @ValidateBy({
    name: 'withoutDelay',
    validator: {
      validate: (_runAt, args) => (args!.object as RunOptionsDto).delay === undefined,
      defaultMessage: () => 'runAt cannot be combined with delay',
    },
  })
  runAt?: Date;

  @OptionalText({ description: 'Adding under an existing id adds nothing and returns the existing job.' })
  jobId?: string;
}

@InputSchema()
export class EnqueueRunDto {
  @RequiredName({ description: 'A registered job name (see GET types).', example: 'email.send' })
  name!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Checked against the job type’s schema.' })
  @Absent()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ type: RunOptionsDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => RunOptionsDto)
  options?: RunOptionsDto;
}

@InputSchema()
export class BulkEnqueueDto {
  @ApiProperty({ type: [EnqueueRunDto], minItems: 1, maxItems: 1000, description: `Up to 1,000 jobs, within ${BODY_LIMIT_NOTE}.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => EnqueueRunDto)
  jobs!: EnqueueRunDto[];
}

export class QueueQueryDto {
  @OptionalText({ description: 'Look in this queue only; default all queues.' })
  queue?: string;
}

export class RunListQueryDto extends QueueQueryDto implements JobListQuery {
  @QueryEnum('JobListState', LIST_STATES)
  state?: JobListQuery['state'];

  @OptionalText()
  name?: string;

  @PageLimit()
  limit?: number;

  @QueryInt(0, LIST_BOUNDS.maxOffset, { default: 0 })
  offset?: number;
}

export class JobHandleDto implements JobHandle {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() queue!: string;
}

export class JobInfoDto implements JobInfo {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() queue!: string;
  @ApiProperty({ enum: [...LIST_STATES, 'unknown'] }) state!: JobState;
  @ApiProperty(ANY_JSON) data!: unknown;
  @ApiProperty(PROGRESS) progress!: number | object;
  @ApiProperty({ type: 'integer', description: 'Attempts that have ended so far.' }) attemptsMade!: number;
  @ApiProperty({ type: 'integer' }) maxAttempts!: number;
  @ApiProperty({ type: 'integer', description: 'BullMQ priority: lower runs first.' }) priority!: number;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'What the handler returned.' }) result?: unknown;
  @ApiPropertyOptional() failedReason?: string;
  @ApiPropertyOptional({ type: [String] }) stacktrace?: string[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) startedAt?: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) finishedAt?: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) runAt?: Date;
}

export class CancelResultDto implements CancelResult {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['cancelled', 'cancelling'], description: '`cancelling`: its running attempt was told to abort.' })
  state!: 'cancelled' | 'cancelling';
}
