import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import type { JobHistoryOptions } from './interfaces/job-history.interface.js';
import type { JobsAdminOptions, JobsBoardOptions, JobsMetricsOptions } from './interfaces/jobs-admin.interface.js';
import type { JobsModuleOptions } from './interfaces/jobs-module-options.interface.js';
import { adminEnabled, adminParts } from './admin/admin.parts.js';
import { boardEnabled, boardParts } from './board/board.parts.js';
import { gatewayEnabled, gatewayParts } from './gateway/gateway.parts.js';
import type { JobsGatewayOptions } from './gateway/jobs-gateway-options.interface.js';
import type { JobsBuiltinsOptions } from './builtins/builtins.options.js';
import { builtinsEnabled, builtinsParts } from './builtins/builtins.parts.js';
import { historyParts } from './history/history.providers.js';
import { historyEnabled, resolveHistoryOptions } from './history/history.options.js';
import { metricsEnabled, metricsParts } from './observability/metrics.parts.js';

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
  /** Live job events over WebSocket on the host's HTTP server. Off unless given; refuses every connection until it has guards. */
  gateway?: JobsGatewayOptions;
  /** Prometheus metrics. Off unless given. */
  metrics?: JobsMetricsOptions;
  /** Built-in job types (`http.request`, `mail.send`, `ssh.command`, `log.message`); each is off unless given. */
  builtins?: JobsBuiltinsOptions;
}

type Parts = Pick<DynamicModule, 'imports' | 'providers' | 'controllers' | 'exports'>;

/** Everything the extras switch on, as one list of parts added to the module. */
function extraParts(extras: JobsModuleExtras): Parts[] {
  const parts: Parts[] = [];
  const withHistory = historyEnabled(extras.history);
  if (withHistory) parts.push(historyParts(extras.history as JobHistoryOptions | true));
  const redact = withHistory ? resolveHistoryOptions(extras.history as JobHistoryOptions | true).redact : [];
  if (adminEnabled(extras.admin)) parts.push(adminParts(extras.admin, withHistory, redact));
  if (gatewayEnabled(extras.gateway)) parts.push(gatewayParts(extras.gateway, redact, adminEnabled(extras.admin) ? extras.admin.guards : undefined));
  if (boardEnabled(extras.board)) parts.push(boardParts(extras.board));
  if (metricsEnabled(extras.metrics)) parts.push(metricsParts(extras.metrics));
  if (builtinsEnabled(extras.builtins)) parts.push(builtinsParts(extras.builtins));
  return parts;
}

export const {
  ConfigurableModuleClass: ConfigurableJobsModule,
  MODULE_OPTIONS_TOKEN: JOBS_MODULE_OPTIONS,
  OPTIONS_TYPE: JOBS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: JOBS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<JobsModuleOptions>({ moduleName: 'Jobs' })
  .setClassMethodName('forRoot')
  .setExtras<JobsModuleExtras>({ isGlobal: true }, (definition, extras) =>
    extraParts(extras).reduce<DynamicModule>(
      (module, part) => ({
        ...module,
        imports: [...(module.imports ?? []), ...(part.imports ?? [])],
        providers: [...(module.providers ?? []), ...(part.providers ?? [])],
        controllers: [...(module.controllers ?? []), ...(part.controllers ?? [])],
        exports: [...(module.exports ?? []), ...(part.exports ?? [])],
      }),
      { ...definition, global: extras.isGlobal },
    ),
  )
  .build();
