import { Catch, HttpException, HttpStatus, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { InvalidJobOptionsError, JobPayloadTooLargeError, JobPayloadValidationError, JobsError, UnknownJobError } from '../jobs.errors.js';
import type { FieldError } from './admin-validation.pipe.js';

const STATUS_BY_CODE: Record<string, HttpStatus> = {
  JOB_NOT_FOUND: HttpStatus.NOT_FOUND,
  JOB_DEFINITION_NOT_FOUND: HttpStatus.NOT_FOUND,
  JOB_EXECUTION_NOT_FOUND: HttpStatus.NOT_FOUND,
  SCHEDULE_NOT_FOUND: HttpStatus.NOT_FOUND,
  QUEUE_UNKNOWN: HttpStatus.NOT_FOUND,
  JOB_DEFINITION_NAME_TAKEN: HttpStatus.CONFLICT,
  JOB_STATE: HttpStatus.CONFLICT,
  APP_EVENT_NOT_FOUND: HttpStatus.NOT_FOUND,
  APP_EVENT_NOT_ALLOWED: HttpStatus.FORBIDDEN,
  APP_EVENT_RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
};

/**
 * The module's errors as HTTP answers: input at fault is a 400 naming the field, a missing id a 404, a state clash a
 * 409. The admin API uses it; hosts put it on their own routes that call `JobService` (`@UseFilters(JobsExceptionFilter)`,
 * or `app.useGlobalFilters(new JobsExceptionFilter(app.get(HttpAdapterHost).httpAdapter))`).
 */
@Catch(JobsError)
export class JobsExceptionFilter extends BaseExceptionFilter<JobsError | HttpException> {
  // Typed for both: the module's error comes in, Nest's HttpException goes on to the base filter.

  override catch(error: JobsError, host: ArgumentsHost): void {
    const status = STATUS_BY_CODE[error.code] ?? HttpStatus.BAD_REQUEST;
    const fields = fieldsOf(error);
    const body = {
      statusCode: status,
      error: HttpStatus[status].replace(/_/g, ' ').replace(/\B\w+/g, (w) => w.toLowerCase()),
      code: error.code,
      message: error.message,
      ...(fields.length ? { fields } : {}),
    };
    // A refusal that knows when to come back says so, as HTTP asks of a 429.
    const { retryAfterSeconds } = error as JobsError & { retryAfterSeconds?: unknown };
    const http = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    if (typeof retryAfterSeconds === 'number' && http && host.getType() === 'http')
      http.setHeader(host.switchToHttp().getResponse(), 'Retry-After', String(retryAfterSeconds));
    // Nest's own filter writes the answer, on whichever HTTP platform the host runs.
    super.catch(new HttpException(body, status, { cause: error }), host);
  }
}

function fieldsOf(error: JobsError): FieldError[] {
  if (error instanceof JobPayloadValidationError) {
    return error.errors.map((e) => ({ field: `data.${e.field}`, messages: Object.values(e.constraints) }));
  }
  if (error instanceof JobPayloadTooLargeError) return [{ field: 'data', messages: [error.message] }];
  if (error instanceof UnknownJobError) return [{ field: 'name', messages: [error.message] }];
  if (error instanceof InvalidJobOptionsError) return [{ field: error.option, messages: [error.message] }];
  // Errors about one input (an event's name, say) carry the field they are about.
  const { field } = error as JobsError & { field?: unknown };
  if (typeof field === 'string') return [{ field, messages: [error.message] }];
  return [];
}
