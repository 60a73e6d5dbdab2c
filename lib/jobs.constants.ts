/** Metadata keys are namespaced so they never collide with `@nestjs/schedule` or `@nestjs/bullmq`. */
export const JOB_PROCESSOR_METADATA = 'nestjs-jobs:processor';
export const ON_JOB_EVENT_METADATA = 'nestjs-jobs:on-job-event';

export const DEFAULT_QUEUE = 'default';
export const DEFAULT_PREFIX = 'jobs';

/** BullMQ runs lower numbers first and un-prioritised jobs before all others, so every job gets an explicit priority. */
export const PRIORITY_LEVELS = { critical: 1, high: 10, normal: 100, low: 1000 } as const;
export const MAX_PRIORITY = 2 ** 21 - 1;

/** Our backoff strategies are registered under one prefix so BullMQ hands every retry delay to us. */
export const BACKOFF_TYPE_PREFIX = 'jobs.';

/** A queue of the module's own that carries control messages (cancel requests) between instances. */
export const CONTROL_QUEUE = '__jobs-control';
export const CANCEL_EVENT = 'jobs:cancel';

/** Injection token of the resolved (validated, defaulted) module options. */
export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

export const CRON_METADATA = 'nestjs-jobs:cron';
export const ON_APP_EVENT_METADATA = 'nestjs-jobs:on-app-event';

/** Scheduler ids say who owns them, so start-up reconciliation removes only what code declared before. */
export const CODE_SCHEDULE_PREFIX = 'cron/';
export const RUNTIME_SCHEDULE_PREFIX = 'schedule/';
export const DEFINITION_SCHEDULE_PREFIX = 'definition/';

/** The longest a Node timer waits (a longer one fires after 1 ms), and the largest value of the databases' `int` columns. */
export const MAX_INT32 = 2_147_483_647;

/** 9999-12-31T23:59:59.999Z: the last instant every history database stores (MariaDB's DATETIME ends there). */
export const MAX_DATE_MS = 253_402_300_799_999;
