import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { JobsModuleOptions } from './interfaces/jobs-module-options.interface.js';

/** Options that change the module's shape live in extras: imports and controllers cannot wait for an async factory. */
export interface JobsModuleExtras {
  /** Registers `JobService` for every module of the application. Default true. */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableJobsModule,
  MODULE_OPTIONS_TOKEN: JOBS_MODULE_OPTIONS,
  OPTIONS_TYPE: JOBS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: JOBS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<JobsModuleOptions>({ moduleName: 'Jobs' })
  .setClassMethodName('forRoot')
  .setExtras<JobsModuleExtras>({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
