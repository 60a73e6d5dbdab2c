import { Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { AppEventPage, AppEventStats } from '../../interfaces/app-events.interface.js';
import { AppEventNotFoundError } from '../../events/app-events.errors.js';
import { AppEventStore, type AppEventWithDeliveries } from '../../events/app-event.store.js';
import { RestEmitGate } from '../../events/rest-emit.gate.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminBody, AdminQuery } from '../admin-input.decorators.js';
import {
  AppEventDetailDto,
  AppEventIdDto,
  AppEventListDto,
  AppEventPageDto,
  AppEventQueryDto,
  AppEventStatsDto,
  AppEventStatsQueryDto,
  CleanAppEventsDto,
  CleanAppEventsResultDto,
  EmitAppEventDto,
  RecentAppEventsQueryDto,
} from '../dto/app-event.dto.js';
import { ErrorDto } from '../dto/error.dto.js';
import { found } from '../found.js';

const MINUTE = 60_000;

/** Application events: emit one, and read the stored ones with their deliveries. Mounted with `events` and history on. */
@AdminRoutes()
export class AppEventsController {
  constructor(
    private readonly gate: RestEmitGate,
    private readonly store: AppEventStore,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Emit an application event to its subscribers',
    description: 'Names outside `events.restEmit.names` are refused with 403; past `events.restEmit.ratePerMinute` per source, 429.',
  })
  @ApiCreatedResponse({ type: AppEventIdDto })
  @ApiTooManyRequestsResponse({
    type: ErrorDto,
    description: 'The source has used its events of this minute; the message names the limit.',
  })
  async emit(@AdminBody() body: EmitAppEventDto): Promise<AppEventIdDto> {
    return { id: await this.gate.emit(body.name, body.data, { source: body.source }) };
  }

  @Get()
  @ApiOperation({ summary: 'Stored events, newest first, by name or pattern, source and time, in cursor pages' })
  @ApiOkResponse({ type: AppEventPageDto })
  list(@AdminQuery() query: AppEventQueryDto): Promise<AppEventPage> {
    return this.store.find(query);
  }

  @Get('recent')
  @ApiOperation({ summary: 'The latest stored events' })
  @ApiOkResponse({ type: AppEventListDto })
  async recent(@AdminQuery() query: RecentAppEventsQueryDto): Promise<AppEventListDto> {
    return { items: (await this.store.find({ limit: query.limit ?? 20 })).items };
  }

  @Get('stats')
  @ApiOperation({ summary: 'Events by name and by source, and per minute, over the last `window` minutes' })
  @ApiOkResponse({ type: AppEventStatsDto })
  stats(@AdminQuery() query: AppEventStatsQueryDto): Promise<AppEventStats> {
    const until = new Date();
    return this.store.stats(new Date(until.getTime() - (query.window ?? 60) * MINUTE), until, query.top ?? 10);
  }

  @Post('clean')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete the events emitted before a moment' })
  @ApiOkResponse({ type: CleanAppEventsResultDto })
  async clean(@AdminBody() body: CleanAppEventsDto): Promise<CleanAppEventsResultDto> {
    return { deleted: await this.store.deleteBefore(body.before) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One stored event with the status of each delivery' })
  @ApiOkResponse({ type: AppEventDetailDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(@Param('id') id: string): Promise<AppEventWithDeliveries> {
    return found(await this.store.get(id), () => new AppEventNotFoundError(id));
  }
}
