import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { JobService } from '../job.service.js';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import type { EmitOptions } from '../interfaces/emit-options.interface.js';
import { AppEventOutlet } from '../runtime/app-event.outlet.js';
import { JobRequestBuilder } from '../runtime/job-request.builder.js';
import { TRANSACTIONAL_ENQUEUER, transactional, type TransactionalEnqueuer } from '../runtime/transactional-enqueuer.js';
import { deliveryJobId, type DeliveryData } from './app-event.delivery.js';
import type { AppEventStore } from './app-event.store.js';
import { AppEventSubscribers } from './app-event.subscribers.js';
import { InvalidAppEventNameError, UnknownAppEventError } from './app-events.errors.js';
import { eventNameProblem } from './event-names.js';
import { APP_EVENT_STORE, EVENTS_OPTIONS } from './events.constants.js';
import type { ResolvedEventsOptions } from './events.options.js';

/**
 * Publishes application events. An event is checked, stored (with history on), and given to each matching
 * `@OnAppEvent` subscriber as a job of its own, whose id `<eventId>:<subscriber>` makes each delivery exist once.
 */
@Injectable()
export class AppEvents implements OnModuleInit {
  constructor(
    private readonly subscribers: AppEventSubscribers,
    private readonly requests: JobRequestBuilder,
    // Through the facade, so deliveries are added as any job is, and by the testing mode's engine under JobsTestingModule.
    private readonly jobs: JobService,
    private readonly outlet: AppEventOutlet,
    @Inject(EVENTS_OPTIONS) private readonly options: ResolvedEventsOptions,
    @Optional() @Inject(APP_EVENT_STORE) private readonly store?: AppEventStore,
    // History's outbox writer, or the testing mode's: without either, `transaction` has nowhere to go.
    @Optional() @Inject(TRANSACTIONAL_ENQUEUER) private readonly outbox?: TransactionalEnqueuer,
  ) {}

  onModuleInit(): void {
    this.outlet.attach((name, payload, options) => this.emit(name, payload, options));
  }

  /**
   * Resolves with the event's id once it is stored and every delivery is queued; refuses a malformed name or source, a
   * payload its schema rejects, and (with `unknownNames: 'refuse'`) a name no schema or subscriber knows.
   */
  async emit(name: string, payload?: unknown, options: EmitOptions = {}): Promise<string> {
    const problem = eventNameProblem(name);
    if (problem) throw new InvalidAppEventNameError('name', problem);
    const source = options.source ?? null;
    // eslint-disable-next-line no-control-regex -- NUL is exactly the character refused: PostgreSQL cannot store it
    if (source !== null && (typeof source !== 'string' || !source || source.length > 255 || /\u0000/.test(source))) {
      throw new InvalidJobOptionsError('source', `must be a string of 1 to 255 characters without NUL; got ${JSON.stringify(source)}.`);
    }
    const schema = this.options.schemas[name];
    const subscribers = this.subscribers.of(name);
    if (!subscribers.length && !schema && this.options.unknownNames === 'refuse') throw new UnknownAppEventError(name);
    await this.requests.checkPayload(name, payload, schema);

    const id = randomUUID();
    const emittedAt = new Date();
    const jobNames = subscribers.map((s) => s.jobName);
    // Stored before any delivery is queued, so every delivery's history has its event to belong to.
    // In the host's transaction when given one: the event and its deliveries (through the outbox) commit together.
    const { transaction } = options;
    // Without history there is neither a table for the event nor an outbox: refused as `add` refuses it.
    if (transaction) transactional(this.outbox);
    await this.store?.record({ id, name, source, payload, subscribers: jobNames, emittedAt }, transaction);
    if (!subscribers.length) return id;
    const data: DeliveryData = { event: { id, name, source, emittedAt: emittedAt.toISOString() }, payload: payload ?? null };
    await this.jobs.addBulk(
      jobNames.map((job) => ({ name: job, data, options: { jobId: deliveryJobId(id, job) } })),
      transaction ? { transaction } : undefined,
    );
    return id;
  }
}
