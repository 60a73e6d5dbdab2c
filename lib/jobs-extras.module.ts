import { Module, type DynamicModule } from '@nestjs/common';
import { builtinsEnabled, type JobsBuiltinsOptions } from './builtins/builtins.options.js';
import { eventsEnabled, resolveEventsOptions } from './events/events.options.js';
import type { JobsGatewayOptions } from './gateway/jobs-gateway-options.interface.js';
import { historyEnabled, resolveHistoryOptions } from './history/history.options.js';
import type { JobsEventsOptions } from './interfaces/app-events.interface.js';
import type { JobHistoryOptions } from './interfaces/job-history.interface.js';
import { resolveOutboxOptions } from './outbox/outbox.options.js';
import type { JobsAdminOptions, JobsBoardOptions, JobsConsoleOptions, JobsMetricsOptions } from './interfaces/jobs-admin.interface.js';
import { importOptional } from './optional-import.js';

/** Options that change the module's shape live in extras: imports and controllers cannot wait for an async factory. */
export interface JobsModuleExtras {
  /** Registers `JobService` for every module of the application. Default true. */
  isGlobal?: boolean;
  /** Records every attempt in the host's TypeORM database (`TypeOrmModule` must be imported); absent or off: no database. */
  history?: JobHistoryOptions | boolean;
  /** The admin REST API, in the host's Swagger document. Off unless given; closed (403) until it has guards. */
  admin?: JobsAdminOptions;
  /** Bull Board with every queue. Off unless given; closed (403) until it has `auth` or `middleware`. */
  board?: JobsBoardOptions;
  /** The management console in the browser, over the admin API (and so behind its guards). Off unless given; needs `admin`. */
  console?: JobsConsoleOptions;
  /** Live job events over WebSocket on the host's HTTP server. Off unless given; refuses every connection until it has guards. */
  gateway?: JobsGatewayOptions;
  /** Prometheus metrics. Off unless given. */
  metrics?: JobsMetricsOptions;
  /** Built-in job types (`http.request`, `mail.send`, `ssh.command`, `log.message`); each is off unless given. */
  builtins?: JobsBuiltinsOptions;
  /** Application events (`AppEvents`, `@OnAppEvent`), stored with history and listed by the admin API. Off unless given. */
  events?: JobsEventsOptions | boolean;
}

/**
 * The extras' own module: a class that loads nothing, so `JobsModule` can export it before the extras' code is loaded,
 * and what they export (`JobHistoryService`, `JobsMetrics`, ...) reaches the host like `JobService` does.
 */
@Module({})
export class JobsExtrasModule {}

type Parts = Pick<DynamicModule, 'imports' | 'providers' | 'controllers' | 'exports'>;

/** An extra given as an object is on unless it says `enabled: false`. */
const switchedOn = <T extends { enabled?: boolean }>(option: T | undefined): option is T => !!option && option.enabled !== false;

/** Whether any extra is on; with none, `import 'nestjs-jobs'` loads nothing of theirs. */
export function anyExtraOn(extras: JobsModuleExtras): boolean {
  return (
    historyEnabled(extras.history) ||
    [extras.admin, extras.board, extras.console, extras.gateway, extras.metrics].some(switchedOn) ||
    builtinsEnabled(extras.builtins) ||
    eventsEnabled(extras.events)
  );
}

/** The peer packages an extra needs beyond the package's own dependencies, checked before its code loads. */
async function requirePeers(option: string, packages: string[]): Promise<void> {
  for (const name of packages) await importOptional(name, option);
}

/** Loads the code of each extra that is on (TypeORM, Swagger, Bull Board, `ws` come with it) and lists its parts. */
async function loadParts(extras: JobsModuleExtras, jobs: DynamicModule): Promise<Parts[]> {
  const parts: Parts[] = [];
  const history = historyEnabled(extras.history) ? resolveHistoryOptions(extras.history) : undefined;
  const withHistory = history !== undefined;
  const redact = history?.redact ?? [];
  if (history) {
    await requirePeers('history', ['typeorm', '@nestjs/typeorm']);
    const { historyParts } = await import('./history/history.parts.js');
    const { definitionsParts } = await import('./definitions/definitions.parts.js');
    const { outboxParts } = await import('./outbox/outbox.parts.js');
    const outbox = resolveOutboxOptions(typeof extras.history === 'object' ? extras.history.outbox : undefined);
    parts.push(historyParts(history), definitionsParts(history), outboxParts(history.dataSource, outbox));
  }
  const events = eventsEnabled(extras.events) ? resolveEventsOptions(extras.events) : undefined;
  if (events) parts.push(await (await import('./events/events.parts.js')).eventsParts(events, history));
  if (switchedOn(extras.admin)) {
    await requirePeers('admin', ['@nestjs/swagger']);
    const { adminParts } = await import('./admin/admin.parts.js');
    parts.push(adminParts(extras.admin, withHistory, redact, !!events));
  }
  if (switchedOn(extras.gateway)) {
    const { gatewayParts } = await import('./gateway/gateway.parts.js');
    parts.push(gatewayParts(extras.gateway, redact, switchedOn(extras.admin) ? extras.admin.guards : undefined));
  }
  if (switchedOn(extras.board)) parts.push((await import('./board/board.parts.js')).boardParts(extras.board, jobs));
  if (switchedOn(extras.console)) {
    const { resolveConsoleOptions } = await import('./console/console.options.js');
    const options = resolveConsoleOptions(extras.console, switchedOn(extras.admin));
    const { consoleParts } = await import('./console/console.parts.js');
    const { adminPathOf } = await import('./admin/admin.parts.js');
    const boardRoute = switchedOn(extras.board) ? (await import('./board/board-options.js')).resolveBoardOptions(extras.board).route : null;
    parts.push(consoleParts(options, adminPathOf(extras.admin!), boardRoute));
  }
  if (switchedOn(extras.metrics)) parts.push(await (await import('./observability/metrics.parts.js')).metricsParts(extras.metrics));
  if (builtinsEnabled(extras.builtins)) {
    parts.push((await import('./builtins/builtins.parts.js')).builtinsParts(extras.builtins));
  }
  return parts;
}

/**
 * The extras that are on, as one module loaded by `import()` while Nest scans the application. It imports `jobs` (the
 * very module object that imports it, so Nest sees one `JobsModule`) to reach the services it builds on, global or not.
 */
export async function jobsExtrasModule(jobs: DynamicModule, extras: JobsModuleExtras): Promise<DynamicModule> {
  const parts = await loadParts(extras, jobs);
  return parts.reduce<DynamicModule>(
    (module, part) => ({
      ...module,
      imports: [...(module.imports ?? []), ...(part.imports ?? [])],
      providers: [...(module.providers ?? []), ...(part.providers ?? [])],
      controllers: [...(module.controllers ?? []), ...(part.controllers ?? [])],
      exports: [...(module.exports ?? []), ...(part.exports ?? [])],
    }),
    { module: JobsExtrasModule, imports: [jobs] },
  );
}
