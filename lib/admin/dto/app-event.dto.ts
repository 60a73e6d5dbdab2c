import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { ANY_JSON } from './any-json.js';
import { InputSchema, IsIsoDate, OptionalDate, OptionalText, PageCursor, PageLimit, QueryInt, RequiredName } from './field.decorators.js';
import { EXECUTION_STATUSES } from '../../interfaces/job-history.interface.js';
import type {
  AppEventCount,
  AppEventDelivery,
  AppEventPage,
  AppEventQuery,
  AppEventStats,
  StoredAppEvent,
} from '../../interfaces/app-events.interface.js';
import { EVENT_NAME_RULE, EVENT_PATTERN_RULE } from '../../events/event-names.js';

/** Event sequence numbers grow with insertion and fit a signed 64-bit integer on every database. */

@InputSchema()
export class EmitAppEventDto {
  @RequiredName({ description: `The event's name: ${EVENT_NAME_RULE}.`, example: 'user.created' })
  name!: string;

  @ApiPropertyOptional({ ...ANY_JSON, description: 'The payload; checked against the schema of `events.schemas` for the name.' })
  @Allow()
  data?: unknown;

  @OptionalText({ description: 'Who emits it; the rate limit of `events.restEmit.ratePerMinute` counts per source.' })
  source?: string;
}

export class AppEventQueryDto implements AppEventQuery {
  @OptionalText({ description: `An event name, or a pattern: ${EVENT_PATTERN_RULE}.`, example: 'user.*' })
  name?: string;

  @OptionalText() source?: string;

  @OptionalDate({ description: 'Events emitted at or after this moment.' })
  from?: Date;

  @OptionalDate({ description: 'Events emitted before this moment.' })
  to?: Date;

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class RecentAppEventsQueryDto {
  @QueryInt(1, 100, { default: 20 })
  limit?: number;
}

export class AppEventStatsQueryDto {
  @QueryInt(1, 43_200, { description: 'Minutes back from now; at most 30 days.', default: 60 })
  window?: number;

  @QueryInt(1, 100, { description: 'How many names and sources to list, largest first.', default: 10 })
  top?: number;
}

@InputSchema()
export class CleanAppEventsDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Delete the events emitted before this moment (ISO 8601 with an offset).',
  })
  @IsIsoDate()
  before!: Date;
}

export class AppEventIdDto {
  @ApiProperty({ format: 'uuid', description: 'The stored event’s id.' }) id!: string;
}

export class AppEventDto implements StoredAppEvent {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) source!: string | null;
  @ApiProperty({ ...ANY_JSON, description: 'Redacted as `history.redact` says.' }) payload!: unknown;
  @ApiProperty({ type: [String], description: 'The delivery jobs the event was given to.' }) subscribers!: string[];
  @ApiProperty({ type: String, format: 'date-time' }) emittedAt!: Date;
}

export class AppEventDeliveryDto implements AppEventDelivery {
  @ApiProperty({ description: '`<eventId>:<subscriber>`.' }) jobId!: string;
  @ApiProperty() subscriber!: string;
  @ApiProperty({ enum: [...EXECUTION_STATUSES, 'pending'], description: 'Of the last recorded attempt; `pending` before the first.' })
  status!: AppEventDelivery['status'];
  @ApiProperty({ type: 'integer', description: 'Attempts recorded so far.' }) attempts!: number;
}

export class AppEventDetailDto extends AppEventDto {
  @ApiProperty({ type: [AppEventDeliveryDto] }) deliveries!: AppEventDeliveryDto[];
}

export class AppEventPageDto implements AppEventPage {
  @ApiProperty({ type: [AppEventDto] }) items!: AppEventDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next (older) page; absent on the last page.' }) nextCursor?: string;
}

export class AppEventListDto {
  @ApiProperty({ type: [AppEventDto] }) items!: AppEventDto[];
}

export class AppEventCountDto implements AppEventCount {
  @ApiProperty({ type: String, nullable: true, description: 'The name or source; null for events emitted without a source.' })
  key!: string | null;
  @ApiProperty({ type: 'integer' }) count!: number;
}

export class AppEventStatsDto implements AppEventStats {
  @ApiProperty({ type: String, format: 'date-time' }) since!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) until!: Date;
  @ApiProperty({ type: 'integer', description: 'Events emitted in the window.' }) total!: number;
  @ApiProperty({ description: 'Events per minute over the window.' }) perMinute!: number;
  @ApiProperty({ type: [AppEventCountDto], description: 'The most emitted names, largest first.' }) byName!: AppEventCountDto[];
  @ApiProperty({ type: [AppEventCountDto], description: 'The sources that emitted most, largest first.' }) bySource!: AppEventCountDto[];
}

export class CleanAppEventsResultDto {
  @ApiProperty({ type: 'integer', description: 'How many events were deleted.' }) deleted!: number;
}
