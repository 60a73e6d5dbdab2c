import { Inject, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { filter, map, type Observable } from 'rxjs';
import { JobEventBus } from '../../runtime/job-event.bus.js';
import { AdminRoutes } from '../admin-routes.decorator.js';
import { AdminQuery } from '../admin-input.decorators.js';
import { EventsQueryDto, JobEventDto } from '../dto/event.dto.js';
import { EVENT_REDACTION } from '../admin.constants.js';
import type { JobEvent } from '../../interfaces/job-event.interface.js';

@AdminRoutes()
export class EventsController {
  constructor(
    private readonly bus: JobEventBus,
    @Inject(EVENT_REDACTION) private readonly redactEvent: (event: JobEvent) => JobEvent,
  ) {}

  @Sse()
  @ApiOperation({
    summary: 'The lifecycle stream of every instance (or, with scope=local, of this one) as Server-Sent Events; each `data` is one event',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: JobEventDto })
  events(@AdminQuery() query: EventsQueryDto): Observable<MessageEvent> {
    const types = query.types && new Set<string>(query.types);
    return this.bus.observe({ event: '*', name: query.name, queue: query.queue, scope: query.scope ?? 'cluster' }).pipe(
      filter((event) => !types || types.has(event.type)),
      map((event) => ({ data: this.redactEvent(event) })),
    );
  }
}
