export const HISTORY_OPTIONS = Symbol('nestjs-jobs:history-options');
export const EXECUTION_REPOSITORY = Symbol('nestjs-jobs:execution-repository');
export const CURSOR_REPOSITORY = Symbol('nestjs-jobs:cursor-repository');
export const DEFINITION_REPOSITORY = Symbol('nestjs-jobs:definition-repository');
export const RETENTION_CRON = 'jobs.history.retention';
