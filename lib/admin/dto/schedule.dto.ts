import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, MaxLength } from 'class-validator';
import type { ScheduleInfo, ScheduleOptions } from '../../interfaces/schedule.interface.js';
import { RetryPolicyDto } from './retry-policy.dto.js';
import { ANY_JSON } from './any-json.js';
import {
  Absent,
  InputSchema,
  MAX_INT32,
  OptionalDate,
  OptionalDuration,
  OptionalInt,
  OptionalText,
  RequiredName,
  QueryInt,
} from './field.decorators.js';

/** Exactly one of `cron` and `every`; the schedule service refuses both or neither, naming `cron`. */
@InputSchema({ oneOf: [{ required: ['cron'] }, { required: ['every'] }] })
export class CreateScheduleDto extends RetryPolicyDto implements ScheduleOptions {
  @RequiredName({ description: 'The registered job name its runs have.' })
  name!: string;

  @OptionalText({ description: 'Identifies the schedule (no ":"); default the job name.', maxLength: 200 })
  @MaxLength(200)
  id?: string;

  @OptionalText({ example: '*/5 * * * *', description: 'Exactly one of cron and every.' })
  cron?: string;

  @OptionalDuration(1, { description: 'Milliseconds between runs; exactly one of cron and every.' })
  every?: number;

  @OptionalText({ example: 'UTC' }) timeZone?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @Absent() @IsObject() data?: Record<string, unknown>;
  @OptionalDate({ description: 'No run before this moment.' }) startDate?: Date;
  @OptionalDate({ description: 'No run after this moment.' }) endDate?: Date;
  @OptionalInt(1, MAX_INT32, { description: 'At most this many runs.' }) limit?: number;
}

export class ScheduleDto implements ScheduleInfo {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Job name of its runs.' }) name!: string;
  @ApiProperty() queue!: string;
  @ApiProperty({ enum: ['code', 'runtime', 'definition', 'external'] }) origin!: ScheduleInfo['origin'];
  @ApiProperty({ description: 'false: a local cron that runs on every instance.' }) distributed!: boolean;
  @ApiPropertyOptional() cron?: string;
  @ApiPropertyOptional() every?: number;
  @ApiPropertyOptional() timeZone?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) next?: Date;
  @ApiPropertyOptional(ANY_JSON) data?: unknown;
  @ApiPropertyOptional() iterations?: number;
  @ApiPropertyOptional() limit?: number;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) startDate?: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) endDate?: Date;
}

export class SchedulePreviewQueryDto {
  @RequiredName({ example: '0 9 * * 1-5' }) cron!: string;
  @OptionalText({ example: 'Europe/Berlin' }) timeZone?: string;
  @QueryInt(1, 20, { default: 5 }) count?: number;
}

export class SchedulePreviewDto {
  @ApiProperty({ type: [String], format: 'date-time', description: 'The next runs, soonest first, as the queue would compute them.' })
  runs!: Date[];
}
