import { IsIn, IsObject, IsOptional, IsUrl, ValidateBy, buildMessage } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ExactSchema } from '../payload-schema.js';
import { IsDuration, IsHttpHeaders } from '../payload-validators.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const isStatus = (v: unknown) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;

/** Payload of `http.request`. */
export class HttpRequestPayload {
  @IsOptional()
  @IsIn(HTTP_METHODS)
  @JSONSchema({ description: 'Default GET.' })
  method?: HttpMethod;

  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @JSONSchema({ format: 'uri', description: 'http or https URL.' })
  url!: string;

  @IsOptional()
  @IsObject()
  @IsHttpHeaders()
  @ExactSchema({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Not host, connection, content-length, transfer-encoding, te, upgrade, keep-alive or proxy-*.',
  })
  headers?: Record<string, string>;

  @IsOptional()
  @JSONSchema({
    description: 'A string is sent as text (text/plain); anything else as JSON (application/json), unless headers set content-type.',
  })
  body?: unknown;

  @IsOptional()
  @IsDuration()
  @JSONSchema({ description: 'Milliseconds for the request and its redirects; default builtins.http.requestTimeout.' })
  timeout?: number;

  @IsOptional()
  @ValidateBy({
    name: 'isStatusList',
    validator: {
      validate: (v) => isStatus(v) || (Array.isArray(v) && v.length > 0 && v.every(isStatus)),
      defaultMessage: buildMessage(() => '$property must be an HTTP status (100-599) or a non-empty list of them'),
    },
  })
  @ExactSchema({
    oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }],
    description: 'Statuses that succeed; default any 2xx.',
  })
  expectStatus?: number | number[];
}

/** What history keeps of a response. */
export interface HttpRequestResult {
  status: number;
  /** The URL that answered, after redirects, without credentials. */
  url: string;
  /** The headers named in `builtins.http.responseHeaders` that the response had. */
  headers: Record<string, string>;
  /** The body as UTF-8 text, cut to `maxBodyBytes`. */
  body: string;
  truncated: boolean;
  /** The body parsed, when it is complete JSON. */
  json?: unknown;
}
