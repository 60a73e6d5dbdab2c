import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

/**
 * `@nestjs/schedule`'s own keys (its `schedule.constants.ts`) and `SchedulerType.CRON`, matched by value so the host's
 * copy of that package is recognised whatever its version, and we need not load it to look.
 */
const SCHEDULE_CRON_OPTIONS = 'SCHEDULE_CRON_OPTIONS';
const SCHEDULER_TYPE = 'SCHEDULER_TYPE';
const SCHEDULER_TYPE_CRON = 1;

/**
 * `Class.method` of each provider or controller method that carries `@nestjs/schedule`'s `@Cron`, which runs on every
 * instance (or never, without `ScheduleModule.forRoot()`): often the same-named import picked by mistake.
 */
export function scheduleCronMethods(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector): string[] {
  const seen = new Set<unknown>();
  const found: string[] = [];
  for (const wrapper of [...discovery.getControllers(), ...discovery.getProviders()]) {
    const instance: unknown = wrapper.instance;
    const prototype = instance && typeof instance === 'object' ? (Object.getPrototypeOf(instance) as Record<string, unknown> | null) : null;
    if (!prototype) continue;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const fn = prototype[method];
      if (typeof fn !== 'function' || seen.has(fn)) continue;
      seen.add(fn);
      const isCron = reflector.get(SCHEDULER_TYPE, fn) === SCHEDULER_TYPE_CRON && reflector.get(SCHEDULE_CRON_OPTIONS, fn) !== undefined;
      if (isCron) found.push(`${(instance as object).constructor.name}.${method}`);
    }
  }
  return found;
}
