import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Absent, OptionalText, QueryEnum } from './field.decorators.js';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsIn } from 'class-validator';
import { ANY_JSON, PROGRESS } from './any-json.js';
import { JOB_EVENT_TYPES, type JobEventScope, type JobEventType } from '../../interfaces/job-event.interface.js';

export class EventsQueryDto {
  @OptionalText({ description: 'Only events of this job name.' }) name?: string;
  @OptionalText({ description: 'Only events of this queue.' }) queue?: string;

  @ApiPropertyOptional({
    type: String,
    description: `Comma-separated event types (${JOB_EVENT_TYPES.join(', ')}); default all.`,
    example: 'active,completed,failed',
  })
  @Absent()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : value,
  )
  @ArrayNotEmpty()
  @IsIn(JOB_EVENT_TYPES, { each: true })
  types?: JobEventType[];

  @QueryEnum('JobEventScope', ['cluster', 'local'], {
    description: 'cluster (default): jobs of every instance; local: only work this instance does.',
  })
  scope?: JobEventScope;
}

/** The `data` of each Server-Sent Event: one entry of the lifecycle stream. */
export class JobEventDto {
  @ApiProperty({ enum: JOB_EVENT_TYPES }) type!: JobEventType;
  @ApiProperty() jobId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() queue!: string;
  @ApiProperty({ description: 'Milliseconds since the epoch.' }) timestamp!: number;
  @ApiProperty({
    enum: ['cluster', 'local'],
    description: 'Read from the queue event stream (cluster) or in the process that ran the job (local).',
  })
  scope!: JobEventScope;
  @ApiPropertyOptional() attempt?: number;
  @ApiPropertyOptional() maxAttempts?: number;
  @ApiPropertyOptional(ANY_JSON) data?: unknown;
  @ApiPropertyOptional(ANY_JSON) result?: unknown;
  @ApiPropertyOptional(PROGRESS) progress?: number | object;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) error?: { name: string; message: string };
  @ApiPropertyOptional() retryDelay?: number;
  @ApiPropertyOptional() log?: string;
  @ApiPropertyOptional() schedule?: string;
  @ApiPropertyOptional() definitionId?: string;
}
