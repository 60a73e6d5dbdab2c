import type { ValidationError } from 'class-validator';
import type { PayloadFieldError } from '../jobs.errors.js';

/** One entry per field at fault, named by its dotted path. */
export function flattenErrors(errors: ValidationError[], parent = ''): PayloadFieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, constraints: e.constraints }] : [];
    return [...own, ...flattenErrors(e.children ?? [], field)];
  });
}
