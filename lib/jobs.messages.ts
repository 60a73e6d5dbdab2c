/** Start-up messages in one place, each naming the class or method at fault and what was expected. */
export const messages = {
  duplicateJob: (name: string, first: string, second: string) =>
    `Job "${name}" has two handlers: ${first} and ${second}. Job and cron names must be unique.`,
  missingHandle: (className: string, name: string) =>
    `${className} is decorated with @JobProcessor('${name}') but has no handle(data, ctx) method.`,
  notSingleton: (className: string, what: string) =>
    `${className} ${what} must be a singleton provider; request- and transient-scoped providers cannot run jobs.`,
  badJobName: (className: string, name: unknown) =>
    `@JobProcessor on ${className} needs a non-empty job name; got ${JSON.stringify(name)}.`,
  badQueueName: (className: string, queue: unknown) =>
    `@JobProcessor on ${className} has queue ${JSON.stringify(queue)}; expected a non-empty name without ":".`,
  badProcessorOption: (className: string, option: string, detail: string) => `@JobProcessor on ${className}: option "${option}" ${detail}`,
  badEventHandler: (where: string, event: unknown) =>
    `@OnJobEvent on ${where} names event ${JSON.stringify(event)}; expected one of the lifecycle events or '*'.`,
  badEventScope: (where: string, scope: unknown) =>
    `@OnJobEvent on ${where} has scope ${JSON.stringify(scope)}; expected 'local' or 'cluster'.`,
  badCron: (where: string, expression: unknown, problem: string) =>
    `@Cron on ${where} has expression ${JSON.stringify(expression)}: ${problem}.`,
  badCronOption: (where: string, option: string, detail: string) => `@Cron on ${where}: option "${option}" ${detail}`,
  appEventsOff: (where: string[]) =>
    `@OnAppEvent on ${where.join(', ')} will never run: application events are off. Add \`events: true\` (or its options) to JobsModule.forRoot.`,
  badAppEventPattern: (where: string, problem: string) => `@OnAppEvent on ${where}: the pattern ${problem}.`,
  badAppEventOption: (where: string, option: string, detail: string) => `@OnAppEvent on ${where}: option "${option}" ${detail}`,
  scheduleCron: (where: string) =>
    `${where} carries @Cron from '@nestjs/schedule': it runs on every instance (and only with ScheduleModule.forRoot()), ` +
    `not once across the cluster. Import Cron from 'nestjs-jobs' for a cluster-safe schedule (or with { distributed: false } ` +
    `for a per-instance one), or keep @nestjs/schedule's if that is deliberate.`,
  noShutdownHooks:
    'Workers are running but no SIGTERM handler is registered: call app.enableShutdownHooks() so active jobs finish on shutdown.',
  backendFailed: (location: string, reason: string) => `The queue backend (${location}) could not be used at start-up: ${reason}`,
  backendUnreachable: (location: string, ms: number) =>
    `The queue backend (${location}) did not answer within startupTimeout (${ms} ms): is it running and reachable at the ` +
    `configured connection? Start-up stops here rather than wait for ever.`,
};
