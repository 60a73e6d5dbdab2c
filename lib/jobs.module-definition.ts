import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { JobHistoryOptions } from './interfaces/job-history.interface.js';
import type { JobsModuleOptions } from './interfaces/jobs-module-options.interface.js';
import { historyParts } from './history/history.providers.js';
import { historyEnabled } from './history/history.options.js';

/** Options that change the module's shape live in extras: imports and controllers cannot wait for an async factory. */
export interface JobsModuleExtras {
  /** Registers `JobService` for every module of the application. Default true. */
  isGlobal?: boolean;
  /** Records every attempt in the host's TypeORM database (`TypeOrmModule` must be imported); absent or off: no database. */
  history?: JobHistoryOptions | boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableJobsModule,
  MODULE_OPTIONS_TOKEN: JOBS_MODULE_OPTIONS,
  OPTIONS_TYPE: JOBS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: JOBS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<JobsModuleOptions>({ moduleName: 'Jobs' })
  .setClassMethodName('forRoot')
  .setExtras<JobsModuleExtras>({ isGlobal: true }, (definition, extras) => {
    if (!historyEnabled(extras.history)) return { ...definition, global: extras.isGlobal };
    const history = historyParts(extras.history);
    return {
      ...definition,
      global: extras.isGlobal,
      imports: [...(definition.imports ?? []), ...history.imports!],
      providers: [...(definition.providers ?? []), ...history.providers!],
      exports: [...(definition.exports ?? []), ...history.exports!],
    };
  })
  .build();
