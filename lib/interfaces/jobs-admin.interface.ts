import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';

/** `JobsModule.forRoot({ admin })`: the REST API under the host's global prefix, documented in its Swagger document. */
export interface JobsAdminOptions {
  enabled?: boolean;
  /** Path of every admin route, below the host's global prefix. Default `jobs`. */
  path?: string;
  /**
   * Run on every admin route, as `@UseGuards` would. Without guards every route answers 403: the API is closed until the
   * host says who may use it. A guard class is built in this module, so its dependencies come from global modules or `imports`.
   */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** Modules whose providers the guards inject. */
  imports?: ModuleMetadata['imports'];
}

/** Express-style middleware, as `app.use` takes it. */
export type BoardMiddleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => void;

/** How one queue shows on the board. */
export interface BoardQueueOptions {
  /** Shown instead of the queue's name. */
  displayName?: string;
  /** No retry, promote, clean or remove buttons on this queue, and its API refuses changes. Default `board.readOnly`. */
  readOnly?: boolean;
}

/** A queue of the host's on the board: a BullMQ `Queue` (a `@nestjs/bullmq` queue is one), and how it shows. */
export interface BoardHostQueue extends BoardQueueOptions {
  queue: Queue;
}

/** `JobsModule.forRoot({ board })`: Bull Board (Express or Fastify, as the host's) with every queue of the module. */
export interface JobsBoardOptions {
  enabled?: boolean;
  /** Below the host's global prefix. Default `/admin/queues`. */
  route?: string;
  /** HTTP basic auth. */
  auth?: { username: string; password: string };
  /** The host's own check (a session, a reverse-proxy header); runs before the board. Used instead of `auth`. */
  middleware?: BoardMiddleware;
  /** No retry, promote, clean or remove buttons. Default false. */
  readOnly?: boolean;
  /** The board's title (Bull Board's `uiConfig.boardTitle`). Default `Jobs`. */
  title?: string;
  /** The board's logo (Bull Board's `uiConfig.boardLogo`): an image URL or path, and its size. */
  logo?: { path: string; width?: number | string; height?: number | string };
  /** The host's own queues, shown beside the module's; more can be added at run time through `JobsBoard`. */
  queues?: Array<Queue | BoardHostQueue>;
  /** How the module's queues show, by queue name. */
  queueOptions?: Record<string, BoardQueueOptions>;
}

/** `JobsModule.forRoot({ metrics })`: Prometheus metrics through prom-client. */
export interface JobsMetricsOptions {
  enabled?: boolean;
  /** Served at this path (below the global prefix) unless `registry` is given; `false` serves no route. Default `metrics`. */
  path?: string | false;
  /**
   * The host's registry, or `'default'` for prom-client's global `register` (the one `@willsoto/nestjs-prometheus`
   * serves): the metrics are added to it and the module serves no route.
   */
  registry?: Registry | 'default';
  /** Prepended to every metric name. Default `jobs_`. */
  prefix?: string;
  /** Run-duration histogram buckets, in seconds. */
  durationBuckets?: number[];
  /** Wait-time (enqueue to start) histogram buckets, in seconds. */
  waitBuckets?: number[];
  /** Guards of the metrics route, when it is served. Default none: a scrape endpoint is usually reached only inside. */
  guards?: Array<Type<CanActivate> | CanActivate>;
}

/**
 * `JobsModule.forRoot({ console })`: the management console in the browser. Its own files hold no data; every figure
 * it shows comes from the admin API, behind `admin.guards`, so it needs `admin`.
 */
export interface JobsConsoleOptions {
  enabled?: boolean;
  /** Below the host's global prefix. Default `jobs-console`. */
  route?: string;
  /** The page's title and header. Default `Jobs`. */
  title?: string;
}
