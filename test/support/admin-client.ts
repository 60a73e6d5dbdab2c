import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import OpenAPIResponseValidator from 'openapi-response-validator';
import { parseIsoDate } from '../../lib/policy/dates.js';

/** What an admin route answered: its status, its JSON body (undefined when empty), its content type and headers. */
export interface AdminAnswer {
  status: number;
  body: any;
  contentType?: string;
  /** Lower-case names. */
  headers?: Record<string, string>;
}

/**
 * Calls the admin API under `base` (the app's URL with the admin path) as a browser or script would: `body` is sent as
 * JSON, or as it is when a string (to send malformed JSON), with `headers` added; a `content-type` among them wins.
 * An event stream is not read: its answer has no body.
 */
export async function adminCall(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AdminAnswer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const contentType = res.headers.get('content-type') ?? undefined;
  const answered = { status: res.status, contentType, headers: Object.fromEntries(res.headers) };
  if (contentType?.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { ...answered, body: undefined };
  }
  const text = await res.text();
  return { ...answered, body: text ? JSON.parse(text) : undefined };
}

export type AdminClient = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<AdminAnswer>;

/**
 * `adminCall` on the admin API of a test app, holding every answer to the app's own Swagger document: the status must
 * be one the operation documents and the body must match its schema (event streams excepted), or the call throws and
 * the test fails.
 */
export function adminClient(h: { app: INestApplication; url: string }, adminPath = 'jobs'): AdminClient {
  const base = `${h.url}/${adminPath}`;
  let contract: AdminContract | undefined;
  return async (method, path, body, headers) => {
    const answer = await adminCall(base, method, path, body, headers);
    contract ??= new AdminContract(SwaggerModule.createDocument(h.app, new DocumentBuilder().build()));
    const problem = contract.problem(method, new URL(`${base}${path}`).pathname, answer);
    if (problem)
      throw new Error(`${method} ${path} answered ${answer.status} ${JSON.stringify(answer.body)}, against the document: ${problem}`);
    return answer;
  };
}

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;

/** Dates in answers are checked as strictly as the API reads them. */
const FORMATS = {
  'date-time': (value: string) => parseIsoDate(value) !== undefined,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

/** The operations of one Swagger document, each with the validator of its documented answers. */
export class AdminContract {
  private readonly validators = new Map<OperationObject, OpenAPIResponseValidator.default>();

  constructor(readonly document: OpenAPIObject) {}

  /** The documented operation a request reaches: a literal path segment wins over a `{parameter}`. */
  operation(method: string, pathname: string): OperationObject | undefined {
    const matches = Object.entries(this.document.paths).filter(([template, item]) => {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      return pattern.test(pathname) && (item as Record<string, unknown>)[method.toLowerCase()];
    });
    matches.sort(([a], [b]) => a.split('{').length - b.split('{').length);
    return matches[0]?.[1][method.toLowerCase() as 'get'];
  }

  /** Why an answer breaks the document, or undefined when the document allows it. */
  problem(method: string, pathname: string, answer: AdminAnswer): string | undefined {
    const operation = this.operation(method, pathname);
    if (!operation) return `no operation ${method} ${pathname}`;
    const responses = operation.responses;
    const documented = responses[String(answer.status)];
    if (!documented) return `status ${answer.status} is not documented (only ${Object.keys(responses).join(', ')})`;
    const types = Object.keys(('content' in documented && documented.content) || {});
    if (!types.length) return answer.body === undefined ? undefined : 'a body where the document has none';
    const type = answer.contentType?.split(';')[0];
    if (!type || !types.includes(type)) return `content type ${type ?? '(none)'} where the document has ${types.join(', ')}`;
    if (type === 'text/event-stream') return undefined;
    const failure = this.validator(operation).validateResponse(String(answer.status), structuredClone(answer.body));
    return failure && JSON.stringify(failure.errors);
  }

  private validator(operation: OperationObject): OpenAPIResponseValidator.default {
    let validator = this.validators.get(operation);
    if (!validator) {
      validator = new OpenAPIResponseValidator.default({
        responses: operation.responses as never,
        components: this.document.components as never,
        customFormats: FORMATS,
      });
      this.validators.set(operation, validator);
    }
    return validator;
  }
}
