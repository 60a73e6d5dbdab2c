import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { flattenErrors } from '../policy/field-errors.js';

export interface FieldError {
  /** Dotted path of the field at fault, e.g. `options.priority` or `jobs.2.name`. */
  field: string;
  messages: string[];
}

export const fieldErrors = (errors: ValidationError[]): FieldError[] =>
  flattenErrors(errors).map((e) => ({ field: e.field, messages: Object.values(e.constraints) }));

/**
 * How the admin API validates its input (read raw through `AdminBody` / `AdminQuery`): unknown fields are refused,
 * strings of the query become numbers and dates, and a 400 names every field at fault.
 */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validateCustomDecorators: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = fieldErrors(errors);
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: fields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join(' | '),
        fields,
      });
    },
  });
}
