import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';
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

/** `JobsModule.forRoot({ board })`: Bull Board (Express) with every queue of the module. */
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
}

/** `JobsModule.forRoot({ metrics })`: Prometheus metrics through prom-client. */
export interface JobsMetricsOptions {
  enabled?: boolean;
  /** Served at this path (below the global prefix) unless `registry` is given. Default `metrics`. */
  path?: string;
  /** The host's registry: the metrics are added to it and the module serves no route. */
  registry?: Registry;
  /** Prepended to every metric name. Default `jobs_`. */
  prefix?: string;
  /** Run-duration histogram buckets, in seconds. */
  durationBuckets?: number[];
  /** Wait-time (enqueue to start) histogram buckets, in seconds. */
  waitBuckets?: number[];
  /** Guards of the metrics route, when it is served. Default none: a scrape endpoint is usually reached only inside. */
  guards?: Array<Type<CanActivate> | CanActivate>;
}
