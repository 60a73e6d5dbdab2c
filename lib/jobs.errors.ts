import { UnrecoverableError } from 'bullmq';

/** Every error the module raises for a caller to catch has a stable `code`. */
export class JobsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A wrong module option, processor or decorator found at start-up. */
export class JobsConfigurationError extends JobsError {
  constructor(message: string, options?: ErrorOptions) {
    super('JOBS_CONFIGURATION', message, options);
  }
}

export class UnknownJobError extends JobsError {
  constructor(
    readonly jobName: string,
    readonly knownNames: string[],
  ) {
    super('JOB_UNKNOWN', `Unknown job "${jobName}"; known jobs: ${knownNames.join(', ') || '(none)'}.`);
  }
}

export interface PayloadFieldError {
  /** Dotted path of the field at fault, e.g. `to` or `items.0.sku`. */
  field: string;
  constraints: Record<string, string>;
}

export class JobPayloadValidationError extends JobsError {
  constructor(
    readonly jobName: string,
    readonly errors: PayloadFieldError[],
  ) {
    const detail = errors.map((e) => `${e.field}: ${Object.values(e.constraints).join('; ')}`).join(' | ');
    super('JOB_PAYLOAD_INVALID', `Payload of job "${jobName}" is invalid: ${detail}`);
  }
}

export class JobPayloadTooLargeError extends JobsError {
  constructor(
    readonly jobName: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super('JOB_PAYLOAD_TOO_LARGE', `Payload of job "${jobName}" is ${size} bytes; the limit (maxPayloadBytes) is ${limit}.`);
  }
}

export class InvalidJobOptionsError extends JobsError {
  constructor(
    readonly option: string,
    /** What is wrong with it and what was expected, without the option's name. */
    readonly detail: string,
  ) {
    super('JOB_OPTIONS_INVALID', `Job option "${option}" ${detail}`);
  }
}

export class InvalidPriorityError extends InvalidJobOptionsError {
  constructor(detail: string) {
    super('priority', detail);
  }
}

export class InvalidRunAtError extends InvalidJobOptionsError {
  constructor(detail: string) {
    super('runAt', detail);
  }
}

export class JobNotFoundError extends JobsError {
  constructor(readonly jobId: string) {
    super('JOB_NOT_FOUND', `No job with id "${jobId}".`);
  }
}

export class JobDefinitionNotFoundError extends JobsError {
  constructor(readonly definitionId: string) {
    super('JOB_DEFINITION_NOT_FOUND', `No job definition with id "${definitionId}".`);
  }
}

export class JobExecutionNotFoundError extends JobsError {
  constructor(readonly executionId: string) {
    super('JOB_EXECUTION_NOT_FOUND', `No job execution with id "${executionId}".`);
  }
}

export class ScheduleNotFoundError extends JobsError {
  constructor(readonly scheduleId: string) {
    super('SCHEDULE_NOT_FOUND', `No schedule with id "${scheduleId}".`);
  }
}

/** Definition names are unique: they are what people search for and schedule by. */
export class JobDefinitionNameTakenError extends JobsError {
  constructor(readonly definitionName: string) {
    super('JOB_DEFINITION_NAME_TAKEN', `A job definition named "${definitionName}" exists already.`);
  }
}

export class JobStateError extends JobsError {
  constructor(jobId: string, state: string, action: string) {
    super('JOB_STATE', `Job "${jobId}" is ${state}; cannot ${action} it.`);
  }
}

export class UnknownQueueError extends JobsError {
  constructor(
    readonly queue: string,
    readonly knownQueues: string[],
  ) {
    super('QUEUE_UNKNOWN', `Unknown queue "${queue}"; known queues: ${knownQueues.join(', ') || '(none)'}.`);
  }
}

/** `waitUntilFinished`: the job ended without a result (failed, timed out or was cancelled). */
export class JobFailedError extends JobsError {
  constructor(
    readonly jobId: string,
    readonly outcome: 'failed' | 'timeout' | 'cancelled',
    readonly reason: string,
  ) {
    super('JOB_FAILED', `Job "${jobId}" ended as ${outcome}: ${reason}`);
  }
}

/** `waitUntilFinished`: the job had not finished within the given time; it goes on. */
export class JobWaitTimeoutError extends JobsError {
  constructor(
    readonly jobId: string,
    readonly timeout: number,
  ) {
    super('JOB_WAIT_TIMEOUT', `Job "${jobId}" had not finished after ${timeout} ms.`);
  }
}

/** Thrown by a handler: the job fails at once, whatever attempts remain. */
export class UnrecoverableJobError extends UnrecoverableError {
  readonly code = 'JOB_UNRECOVERABLE';
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableJobError';
  }
}

/** Thrown by a handler: this attempt fails and the next one waits `retryAfter` ms instead of the backoff's delay. */
export class RetryJobError extends JobsError {
  /** Whole milliseconds, never negative: a nonsensical value means "retry now" rather than a stuck job. */
  readonly retryAfter: number;

  constructor(message: string, retryAfter: number) {
    super('JOB_RETRY', message);
    this.retryAfter = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.round(retryAfter) : 0;
  }
}

/** Stable reason prefixes: BullMQ keeps only the message of a failure, and `get` reads the outcome back from it. */
export const TIMEOUT_REASON = 'Job timed out';
export const CANCELLED_REASON = 'Job cancelled';

export class JobTimeoutError extends JobsError {
  constructor(readonly timeout: number) {
    super('JOB_TIMEOUT', `${TIMEOUT_REASON} after ${timeout} ms`);
  }
}

export class JobCancelledError extends UnrecoverableError {
  readonly code = 'JOB_CANCELLED';
  constructor(reason = 'by request') {
    super(`${CANCELLED_REASON} ${reason}`);
    this.name = 'JobCancelledError';
  }
}

/** The abort reason at shutdown: the attempt goes back to its queue for another instance instead of failing. */
export class ShutdownAbort extends Error {
  constructor() {
    super('Application is shutting down; the job returns to its queue');
    this.name = 'ShutdownAbort';
  }
}
