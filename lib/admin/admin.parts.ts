import { type DynamicModule, type Provider, type Type } from '@nestjs/common';
import type { JobsAdminOptions } from '../interfaces/jobs-admin.interface.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { redactEvent, redactionKeys } from '../history/redaction.js';
import { AdminClosedGuard } from './admin-closed.guard.js';
import { ADMIN_PATH, EVENT_REDACTION } from './admin.constants.js';
import { AppEventsController } from './controllers/app-events.controller.js';
import { DefinitionsController } from './controllers/definitions.controller.js';
import { EventsController } from './controllers/events.controller.js';
import { ExecutionsController } from './controllers/executions.controller.js';
import { QueuesController } from './controllers/queues.controller.js';
import { RunsController } from './controllers/runs.controller.js';
import { SchedulesController } from './controllers/schedules.controller.js';
import { StatsController } from './controllers/stats.controller.js';
import { TypesController } from './controllers/types.controller.js';
import { mountController } from '../http/mount-controller.js';

const ALWAYS: Record<string, Type> = {
  types: TypesController,
  runs: RunsController,
  schedules: SchedulesController,
  queues: QueuesController,
  events: EventsController,
};
/** Routes over the history, which exist only when it does. */
const WITH_HISTORY: Record<string, Type> = {
  definitions: DefinitionsController,
  executions: ExecutionsController,
  stats: StatsController,
};
/** The Events API: stored events need history, and `/events` is the lifecycle stream's. */
const WITH_EVENTS: Record<string, Type> = { 'app-events': AppEventsController };

/** `admin.path` without its slashes; default `jobs`. */
export const adminPathOf = (admin: JobsAdminOptions): string => (admin.path ?? 'jobs').replace(/^\/+|\/+$/g, '');

/** What `admin` adds to the module: its route classes under `admin.path`, behind the host's guards. */
export function adminParts(
  admin: JobsAdminOptions,
  withHistory: boolean,
  redactKeys: string[],
  withEvents = false,
): Pick<DynamicModule, 'imports' | 'providers' | 'controllers'> {
  const path = adminPathOf(admin);
  const guards = admin.guards?.length ? admin.guards : [AdminClosedGuard];
  const routes = { ...ALWAYS, ...(withHistory ? WITH_HISTORY : {}), ...(withHistory && withEvents ? WITH_EVENTS : {}) };
  const keys = redactionKeys(redactKeys);
  const providers: Provider[] = [
    { provide: EVENT_REDACTION, useValue: (event: JobEvent) => redactEvent(event, keys) },
    { provide: ADMIN_PATH, useValue: path },
  ];
  return {
    imports: admin.imports ?? [],
    providers,
    controllers: Object.entries(routes).map(([resource, base]) => mountController(base, `${path}/${resource}`, guards)),
  };
}
