import type { JobTransaction } from './job-options.interface.js';

/** Options of `AppEvents.emit` and `ctx.emit`. */
export interface EmitOptions {
  /** Who emitted the event (a module, a service, a client): stored with it, filtered and counted by the Events API. */
  source?: string;
  /**
   * The host's TypeORM transaction (an `EntityManager` or `QueryRunner` of history's DataSource, as `add` takes it): the
   * event and its deliveries are written in it, and exist, are stored and run only if it commits.
   */
  transaction?: JobTransaction;
}
