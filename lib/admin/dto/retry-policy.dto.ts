import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, Max, Min, ValidateNested } from 'class-validator';
import type { JobRetryOptions } from '../../interfaces/job-options.interface.js';
import { BACKOFF_TYPES } from '../../policy/backoff.js';
import { Absent, InputSchema, MAX_INT32, OptionalDuration, OptionalInt } from './field.decorators.js';

@InputSchema()
export class BackoffDto {
  @ApiProperty({ enum: BACKOFF_TYPES })
  @IsIn([...BACKOFF_TYPES])
  type!: 'fixed' | 'exponential' | 'linear';

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_INT32, description: 'Milliseconds.' })
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  delay!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @Absent()
  @IsNumber()
  @Min(0)
  @Max(1)
  jitter?: number;
}

/** Attempts, backoff and timeout: what an enqueue and a schedule may both set. */
export class RetryPolicyDto implements JobRetryOptions {
  @OptionalInt(1, MAX_INT32)
  attempts?: number;

  @ApiPropertyOptional({ type: BackoffDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => BackoffDto)
  backoff?: BackoffDto;

  @OptionalDuration(1, { description: 'Milliseconds an attempt may run.' })
  timeout?: number;
}
