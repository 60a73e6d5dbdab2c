import type { IncomingHttpHeaders } from 'node:http';
import { Injectable, UnsupportedMediaTypeException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/** `application/json`, or a type with the `+json` suffix of RFC 6839 such as `application/merge-patch+json`. */
const isJsonType = (type: string) => type === 'application/json' || /^[^\s/]+\/[^\s/]+\+json$/.test(type);

/**
 * Refuses with 415 a body that is not JSON, on a route that reads one. The platform parses only the types it knows,
 * and a body it did not parse reaches the route as no body at all: a clean-up sent as text would run with its defaults.
 * A request without a body goes through, as the routes whose body is optional take none.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const problem = bodyProblem(context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders; body?: unknown }>());
    if (problem) throw new UnsupportedMediaTypeException(problem);
    return next.handle();
  }
}

function bodyProblem({ headers, body }: { headers: IncomingHttpHeaders; body?: unknown }): string | undefined {
  const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length']) > 0;
  if (!hasBody) return undefined;
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!isJsonType(type))
    return `The body's content type ${type ? `"${type}"` : '(none given)'} is not JSON; send it as "application/json".`;
  // A host may parse fewer JSON types than the suffix allows (Express parses only application/json by default).
  if (body === undefined)
    return `The body's content type "${type}" was not read as JSON by the host's body parser; send it as "application/json".`;
  return undefined;
}
