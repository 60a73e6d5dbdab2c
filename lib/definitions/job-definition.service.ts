import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { InvalidJobOptionsError, JobDefinitionNameTakenError, JobDefinitionNotFoundError, UnknownJobError } from '../jobs.errors.js';
import type { ExecutionPage, ExecutionQuery, JobDefinitionInput } from '../interfaces/job-history.interface.js';
import type { JobHandle } from '../interfaces/job-info.interface.js';
import { JobEnqueuer } from '../runtime/job.enqueuer.js';
import { JobRequestBuilder } from '../runtime/job-request.builder.js';
import { scheduleTimingProblem } from '../scheduling/schedule-timing.js';
import { checkCron, JobSchedules } from '../scheduling/job-schedules.service.js';
import { JobDefinition } from '../history/entities/job-definition.entity.js';
import type { JobExecution } from '../history/entities/job-execution.entity.js';
import { JobHistoryService } from '../history/job-history.service.js';
import { DEFINITION_REPOSITORY } from '../history/history.constants.js';

type Patch = Partial<JobDefinitionInput>;

/**
 * Jobs defined at run time: rows in the host's database, each naming a registered handler. An enabled definition with
 * a cron expression has a job scheduler; the rows are the truth, and schedulers are reconciled to them at start-up.
 */
@Injectable()
export class JobDefinitionService implements OnApplicationBootstrap {
  private readonly logger = new Logger('JobsModule');

  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: Repository<JobDefinition>,
    private readonly requests: JobRequestBuilder,
    private readonly enqueuer: JobEnqueuer,
    private readonly schedules: JobSchedules,
    private readonly history: JobHistoryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.reconcile();
    } catch (err) {
      // Schedulers live in the queue backend and keep running; the next start reconciles again.
      this.logger.error(`Job definitions could not be reconciled: ${(err as Error).message}`);
    }
  }

  /** Makes the schedulers match the stored definitions: adds missing ones, removes those of deleted or disabled ones. */
  async reconcile(): Promise<void> {
    const all = await this.definitions.find();
    const scheduled = all.filter(isScheduled);
    await this.schedules.unscheduleDefinitionsExcept(new Set(scheduled.map((d) => d.id)));
    for (const definition of scheduled) await this.sync(definition);
  }

  list(): Promise<JobDefinition[]> {
    return this.definitions.find({ order: { name: 'ASC' } });
  }

  get(id: string): Promise<JobDefinition | null> {
    // Ids are UUIDs; anything else cannot exist, and PostgreSQL refuses some strings (NUL) outright.
    return UUID.test(id) ? this.definitions.findOneBy({ id }) : Promise.resolve(null);
  }

  async create(input: JobDefinitionInput): Promise<JobDefinition> {
    const definition = this.definitions.create({
      id: randomUUID(),
      enabled: true,
      createdBy: input.by ?? null,
      updatedBy: input.by ?? null,
    });
    await this.apply(definition, input, true);
    return definition;
  }

  async update(id: string, patch: Patch): Promise<JobDefinition> {
    const definition = await this.require(id);
    await this.apply(definition, { ...patch }, false);
    return definition;
  }

  async remove(id: string): Promise<void> {
    const definition = await this.require(id);
    await this.definitions.delete({ id });
    await this.schedules.unscheduleDefinition(id);
    this.logger.log(`Job definition "${definition.name}" deleted.`);
  }

  /** Enqueues a run now, whether or not the definition is enabled or scheduled. */
  async execute(id: string): Promise<JobHandle> {
    const definition = await this.require(id);
    const request = await this.requests.build(definition.handler, definition.data ?? {}, this.jobOptions(definition));
    request.opts.definitionId = definition.id;
    return this.enqueuer.add(request);
  }

  /** Executions of one definition's runs, newest first. */
  async executions(id: string, page: Pick<ExecutionQuery, 'limit' | 'cursor'> = {}): Promise<ExecutionPage<JobExecution>> {
    await this.require(id);
    return this.history.find({ ...page, definitionId: id });
  }

  private async apply(definition: JobDefinition, input: Patch, creating: boolean): Promise<void> {
    const next = { ...definition, ...definedOnly(input) };
    if (typeof next.name !== 'string' || !next.name.trim() || next.name.length > 255) {
      throw new InvalidJobOptionsError('name', `must be a non-empty string of at most 255 characters; got ${JSON.stringify(next.name)}.`);
    }
    if (typeof next.enabled !== 'boolean')
      throw new InvalidJobOptionsError('enabled', `must be true or false; got ${JSON.stringify(next.enabled)}.`);
    if (next.tags != null && !(Array.isArray(next.tags) && next.tags.every((t) => typeof t === 'string'))) {
      throw new InvalidJobOptionsError('tags', `must be a list of strings; got ${JSON.stringify(next.tags)}.`);
    }
    if (next.cron != null) checkCron(next.cron, next.timeZone ?? undefined);
    // A time zone is checked on its own too: stored without a cron, it would be refused only once one is added.
    const timing = scheduleTimingProblem({ timeZone: next.timeZone ?? undefined });
    if (timing) throw new InvalidJobOptionsError(timing.option, timing.detail);
    // The handler, data, attempts and timeout pass the same checks as any enqueue, so every scheduled run is valid.
    await this.requests.build(next.handler, next.data ?? {}, this.jobOptions(next)).catch((err: unknown) => {
      // The handler is this input's field, not a job name the caller enqueued.
      throw err instanceof UnknownJobError ? new InvalidJobOptionsError('handler', err.message) : err;
    });
    const sameName = await this.definitions.findOneBy({ name: next.name });
    if (sameName && sameName.id !== definition.id) throw new JobDefinitionNameTakenError(next.name);

    Object.assign(definition, next, { updatedBy: input.by ?? (creating ? null : definition.updatedBy) });
    await this.definitions.save(definition);
    if (isScheduled(definition)) await this.sync(definition);
    else await this.schedules.unscheduleDefinition(definition.id);
  }

  private sync(definition: JobDefinition): Promise<void> {
    return this.schedules.scheduleDefinition(definition.id, definition.handler, {
      cron: definition.cron!,
      timeZone: definition.timeZone ?? undefined,
      data: definition.data ?? {},
      ...this.jobOptions(definition),
    });
  }

  private jobOptions(definition: Pick<JobDefinition, 'attempts' | 'timeout'>) {
    return { attempts: definition.attempts ?? undefined, timeout: definition.timeout ?? undefined };
  }

  private async require(id: string): Promise<JobDefinition> {
    const definition = await this.get(id);
    if (!definition) throw new JobDefinitionNotFoundError(id);
    return definition;
  }
}

const isScheduled = (d: JobDefinition) => d.enabled && !!d.cron;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The input's fields that were given, without `by`, which is not a column. */
function definedOnly(input: Patch): Partial<JobDefinition> {
  const { by: _by, ...fields } = input;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
