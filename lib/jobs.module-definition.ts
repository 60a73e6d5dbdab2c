import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import type { JobsModuleOptions } from './interfaces/jobs-module-options.interface.js';
import { JOBS_OPTIONS } from './jobs.constants.js';
import { anyExtraOn, jobsExtrasModule, JobsExtrasModule, type JobsModuleExtras } from './jobs-extras.module.js';
import { JOBS_SERVICES } from './jobs.providers.js';

export type { JobsModuleExtras } from './jobs-extras.module.js';

/**
 * The module as `forRoot` returns it. With extras on, it imports their module (a promise Nest awaits while scanning, so
 * their code loads only then) and exports its own services to it, and the extras' exports to the host.
 */
function withExtras(definition: DynamicModule, extras: JobsModuleExtras): DynamicModule {
  const module: DynamicModule = { ...definition, global: extras.isGlobal };
  if (!anyExtraOn(extras)) return module;
  const loading = jobsExtrasModule(module, extras);
  // Nest awaits it only once it scans the application: a refusal (a missing peer, a bad option) must wait until then.
  loading.catch(() => undefined);
  module.imports = [...(definition.imports ?? []), loading];
  module.exports = [...(definition.exports ?? []), JOBS_OPTIONS, ...JOBS_SERVICES, JobsExtrasModule];
  return module;
}

export const { ConfigurableModuleClass: ConfigurableJobsModule, MODULE_OPTIONS_TOKEN: JOBS_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<JobsModuleOptions>({ moduleName: 'Jobs' })
    .setClassMethodName('forRoot')
    .setExtras<JobsModuleExtras>({ isGlobal: true }, withExtras)
    .build();
