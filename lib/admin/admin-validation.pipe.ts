import {
  BadRequestException,
  Inject,
  Injectable,
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';
import { JOBS_OPTIONS } from '../jobs.constants.js';
import type { ResolvedJobsOptions } from '../jobs.options.js';
import { flattenErrors } from '../policy/field-errors.js';
import { inputShapeProblem } from '../policy/input-shape.js';

export interface FieldError {
  /** Dotted path of the field at fault, e.g. `options.priority` or `jobs.2.name`. */
  field: string;
  messages: string[];
}

export const fieldErrors = (errors: ValidationError[]): FieldError[] =>
  flattenErrors(errors).map((e) => ({ field: e.field, messages: Object.values(e.constraints) }));

/** The admin API's 400: a message for people, and each field at fault for programs. */
export const badInput = (fields: FieldError[]) =>
  new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: fields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join(' | '),
    fields,
  });

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
    exceptionFactory: (errors) => badInput(fieldErrors(errors)),
  });
}

/**
 * The admin API's input pipe: the shape of the body or query (depth, keys, items, `inputLimits`; no `__proto__`,
 * `constructor` or `prototype` keys) is checked before class-transformer sees it, then the DTO's rules apply.
 */
@Injectable()
export class AdminInputPipe implements PipeTransform {
  private readonly validation = adminValidationPipe();

  constructor(@Inject(JOBS_OPTIONS) private readonly options: ResolvedJobsOptions) {}

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problem = inputShapeProblem(value, this.options.inputLimits);
    if (problem) {
      const field = problem.field || (metadata.data === 'query' ? '(query)' : '(body)');
      throw badInput([{ field, messages: [`${field} ${problem.message}`] }]);
    }
    return this.validation.transform(value, metadata);
  }
}
