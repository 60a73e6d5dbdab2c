export const HISTORY_OPTIONS = Symbol('nestjs-jobs:history-options');
export const EXECUTION_REPOSITORY = Symbol('nestjs-jobs:execution-repository');
export const CURSOR_REPOSITORY = Symbol('nestjs-jobs:cursor-repository');
export const DEFINITION_REPOSITORY = Symbol('nestjs-jobs:definition-repository');
export const RETENTION_CRON = 'jobs.history.retention';
/** The recovery counters of the history (`RepairStats`), for metrics, without loading the history's code. */
export const REPAIR_STATS = Symbol('nestjs-jobs:repair-stats');
