import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { JsonBody } from './admin-routes.decorator.js';
import { AdminInputPipe } from './admin-validation.pipe.js';

type Source = 'body' | 'query';

/** The request's body or query string exactly as it arrived, before any pipe of the host's touched it. */
const rawInput = createParamDecorator(
  (source: Source, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Record<Source, unknown>>()[source] ?? {},
);

/**
 * A body or query parameter validated by the module alone. Nest runs the host's global pipes before any of a route's
 * own, and a host's `ValidationPipe` (stripping unknown fields, or converting `"false"` into `true`) would decide what
 * the module sees; global pipes skip custom parameter decorators, so reading the input through one keeps it raw.
 * The type comes from the parameter's declaration and is documented for Swagger as `@Body()` / `@Query()` would be.
 */
function adminInput(source: Source, options: { required?: boolean } = {}): ParameterDecorator {
  return (target, key, index) => {
    const type = (Reflect.getMetadata('design:paramtypes', target, key!) as Array<new (...args: never[]) => unknown>)[index];
    const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
    (source === 'body' ? ApiBody({ type, required: options.required ?? true }) : ApiQuery({ type, name: '', required: false }))(
      target,
      key!,
      descriptor,
    );
    // Every route that reads a body refuses one that is not JSON (415), so a new route cannot miss the check.
    if (source === 'body') JsonBody()(target, key, descriptor);
    rawInput(source, AdminInputPipe)(target, key, index);
  };
}

export const AdminBody = (options?: { required?: boolean }) => adminInput('body', options);
export const AdminQuery = () => adminInput('query');
