// The entry point `nestjs-jobs`: what every application uses. It loads no extra's code (TypeORM, Swagger, Bull Board,
// ws): those load when `forRoot` turns them on. History's entities, migrations and services are `nestjs-jobs/history`.
export { JobsModule } from './jobs.module.js';
export type { JobsModuleExtras } from './jobs.module-definition.js';
export { JOBS_MODULE_OPTIONS } from './jobs.module-definition.js';
export { JobService } from './job.service.js';
export { JobsTestingModule, type JobsTestingOptions } from './testing/jobs-testing.module.js';
export { JobsTesting, type EnqueuedJob } from './testing/jobs-testing.service.js';
export type { JobsTestingMode } from './testing/testing.constants.js';
export { createJobContext, type TestJobContext, type TestJobContextOptions } from './testing/job-context.factory.js';
export { JobEventBus, type JobEventSubscription } from './runtime/job-event.bus.js';
export { BullMqFactory } from './runtime/bullmq.factory.js';
export { JOB_SPAN_ATTRIBUTES } from './runtime/job-tracing.js';
export { JobProcessor } from './decorators/job-processor.decorator.js';
export { OnJobEvent } from './decorators/on-job-event.decorator.js';
export { Cron, Every } from './decorators/cron.decorator.js';
export { OnAppEvent } from './decorators/on-app-event.decorator.js';
export { AppEvents } from './events/app-events.service.js';
export {
  InvalidAppEventNameError,
  UnknownAppEventError,
  AppEventNotAllowedError,
  AppEventRateLimitError,
  AppEventNotFoundError,
} from './events/app-events.errors.js';
export type {
  AppEventContext,
  AppEventInfo,
  AppEventDelivery,
  AppEventQuery,
  AppEventPage,
  AppEventStats,
  AppEventCount,
  EmitOptions,
  JobsEventsOptions,
  OnAppEventOptions,
  StoredAppEvent,
} from './interfaces/app-events.interface.js';
export { nextCronRuns } from './scheduling/cron-expression.js';
export type { CronOptions, ScheduleOptions, ScheduleInfo } from './interfaces/schedule.interface.js';
export { PRIORITY_LEVELS } from './jobs.constants.js';
export { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_SHUTDOWN_TIMEOUT } from './jobs.options.js';
export { DEFAULT_JOB_OPTIONS } from './policy/job-options.policy.js';
export {
  JobsError,
  JobsConfigurationError,
  UnknownJobError,
  UnknownQueueError,
  JobPayloadValidationError,
  JobPayloadTooLargeError,
  InvalidJobOptionsError,
  InvalidPriorityError,
  InvalidRunAtError,
  JobNotFoundError,
  JobStateError,
  UnrecoverableJobError,
  RetryJobError,
  JobTimeoutError,
  JobCancelledError,
  JobFailedError,
  JobWaitTimeoutError,
  JobDefinitionNotFoundError,
  JobDefinitionNameTakenError,
  JobExecutionNotFoundError,
  ScheduleNotFoundError,
  type PayloadFieldError,
} from './jobs.errors.js';
export type { JobHandler, JobHandlers, JobDataOf, JobResultOf, JobName, JobData } from './interfaces/job-handler.interface.js';
export type { JobContext } from './interfaces/job-context.interface.js';
export type {
  JobAddOptions,
  JobBackoff,
  BackoffType,
  JobBulkOptions,
  JobPriority,
  JobTransaction,
  KeepJobs,
  JobRetryOptions,
} from './interfaces/job-options.interface.js';
export type { JobProcessorOptions } from './interfaces/job-processor-options.interface.js';
export {
  JOB_EVENT_TYPES,
  FINAL_EVENT_TYPES,
  type JobEvent,
  type JobEventOf,
  type JobEventType,
  type JobEventError,
  type JobEventFilter,
  type JobEventScope,
  type JobEnqueuedEvent,
  type JobActiveEvent,
  type JobProgressEvent,
  type JobLogEvent,
  type JobCompletedEvent,
  type JobRetryingEvent,
  type JobFailedEvent,
  type JobStalledEvent,
} from './interfaces/job-event.interface.js';
export type { JobInfo, JobState, JobHandle, QueueCounts, JobTypeInfo } from './interfaces/job-info.interface.js';
export type {
  JobRequestItem,
  JobFlowNode,
  JobFlowHandle,
  JobListQuery,
  CleanOptions,
  CancelResult,
} from './interfaces/job-flow.interface.js';
export type {
  JobsModuleOptions,
  JobsConnection,
  PostgresConnection,
  PostgresPoolSettings,
  RedisConnection,
  QueueOptions,
  DefaultJobOptions,
  StalledJobOptions,
} from './interfaces/jobs-module-options.interface.js';
export type { JobsExtraSettings } from './interfaces/extra-settings.interface.js';
export { DEFAULT_STALLED_OPTIONS } from './jobs.options.js';
export { HISTORY_DEFAULTS } from './history/history.options.js';
export { REDACTED } from './history/redaction.js';
export {
  EXECUTION_STATUSES,
  type ExecutionStatus,
  type JobHistoryOptions,
  type JobOutboxOptions,
  type ExecutionQuery,
  type ExecutionPage,
  type ExecutionStats,
  type ExecutionStatsQuery,
  type JobDefinitionInput,
} from './interfaces/job-history.interface.js';
export type {
  JobsAdminOptions,
  JobsBoardOptions,
  JobsConsoleOptions,
  JobsMetricsOptions,
  BoardMiddleware,
  BoardQueueOptions,
  BoardHostQueue,
} from './interfaces/jobs-admin.interface.js';
export { JobsBoard } from './board/jobs-board.js';
export { ADMIN_TAG } from './admin/admin.constants.js';
export type { JobsGatewayOptions } from './gateway/jobs-gateway-options.interface.js';
export type { JobsGatewayRequest, JobsGatewayMessage, JobsGatewayFilter, JobsGatewayError } from './gateway/gateway-protocol.js';
export { JobsExceptionFilter } from './admin/jobs-exception.filter.js';
export { JobsMetrics } from './observability/jobs.metrics.js';
export {
  JobsHealthIndicator,
  type JobsHealthResult,
  type JobsHealthDetails,
  type JobsHealthOptions,
} from './observability/jobs-health.indicator.js';
export { BUILTIN_JOBS, BUILTIN_QUEUES } from './builtins/builtins.constants.js';
export {
  DestinationRefusedError,
  HttpRequestError,
  SshHostKeyError,
  SshConnectionError,
  SshCommandError,
} from './builtins/builtins.errors.js';
export type { JobsBuiltinsOptions } from './builtins/builtins.options.js';
export type { BuiltinJobOptions } from './builtins/builtin-job.options.js';
export type { HttpBuiltinOptions } from './builtins/http/http.options.js';
export type { HttpRequestPayload, HttpRequestResult, HttpMethod } from './builtins/http/http-request.payload.js';
export type { MailBuiltinOptions, MailSmtpOptions, MailTransporter, MailTemplate } from './builtins/mail/mail.options.js';
export type { MailSendPayload, MailAttachment, MailSendResult } from './builtins/mail/mail-send.payload.js';
export type { SshBuiltinOptions, SshHostOptions } from './builtins/ssh/ssh.options.js';
export type { SshCommandPayload, SshCommandResult } from './builtins/ssh/ssh-command.payload.js';
export type { LogBuiltinOptions } from './builtins/log/log.options.js';
export type { LogMessagePayload, LogMessageResult, LogLevel } from './builtins/log/log-message.payload.js';
