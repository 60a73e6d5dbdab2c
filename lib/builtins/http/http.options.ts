import type { BuiltinJobOptions } from '../builtin-job.options.js';
import { badOption, checkDuration, checkPositiveInt, checkStringList } from '../builtin-option.checks.js';
import { DestinationPolicy } from './destination-policy.js';

export interface HttpBuiltinOptions extends BuiltinJobOptions {
  /**
   * Destinations that may be called although they are loopback, private, link-local or metadata addresses:
   * hostnames (`api.internal`, `*.corp.example`), IP addresses and CIDR ranges (`10.20.0.0/16`, `fd12::/16`).
   */
  allowHosts?: string[];
  /** Refuse every destination that `allowHosts` does not list, public ones too. Default false. */
  restrictToAllowHosts?: boolean;
  /** Redirects followed before the request fails; 0 follows none. Default 5. */
  maxRedirects?: number;
  /** Bytes of the response body kept in the result; more is cut and the result marked `truncated`. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Response headers copied into the result, case-insensitive. Default content-type, content-length, location, etag. */
  responseHeaders?: string[];
  /** Milliseconds a request (with its redirects) may take when its payload sets no `timeout`. Default 30 s. */
  requestTimeout?: number;
  /** Longest `Retry-After` wait (ms) a 408 or 429 is retried after; a longer or unreadable one retries by the job's backoff. Default 1 h. */
  maxRetryAfter?: number;
}

export interface ResolvedHttpOptions {
  job: BuiltinJobOptions;
  policy: DestinationPolicy;
  maxRedirects: number;
  maxBodyBytes: number;
  responseHeaders: string[];
  requestTimeout: number;
  maxRetryAfter: number;
}

export const HTTP_DEFAULTS = {
  maxRedirects: 5,
  maxBodyBytes: 64 * 1024,
  responseHeaders: ['content-type', 'content-length', 'location', 'etag'],
  requestTimeout: 30_000,
  maxRetryAfter: 3_600_000,
  concurrency: 5,
};

export function resolveHttpOptions(given: HttpBuiltinOptions | true): ResolvedHttpOptions {
  const { allowHosts, restrictToAllowHosts, maxRedirects, maxBodyBytes, responseHeaders, requestTimeout, maxRetryAfter, ...job } =
    given === true ? {} : given;
  const redirects = maxRedirects ?? HTTP_DEFAULTS.maxRedirects;
  if (!Number.isInteger(redirects) || redirects < 0) badOption('http.maxRedirects', 'a non-negative integer', redirects);
  if (restrictToAllowHosts !== undefined && typeof restrictToAllowHosts !== 'boolean')
    badOption('http.restrictToAllowHosts', 'a boolean', restrictToAllowHosts);
  return {
    job: { concurrency: HTTP_DEFAULTS.concurrency, ...job },
    policy: new DestinationPolicy(checkStringList('http.allowHosts', allowHosts), restrictToAllowHosts ?? false),
    maxRedirects: redirects,
    maxBodyBytes: checkPositiveInt('http.maxBodyBytes', maxBodyBytes, HTTP_DEFAULTS.maxBodyBytes),
    responseHeaders: (responseHeaders === undefined
      ? HTTP_DEFAULTS.responseHeaders
      : checkStringList('http.responseHeaders', responseHeaders)
    ).map((h) => h.toLowerCase()),
    requestTimeout: checkDuration('http.requestTimeout', requestTimeout, HTTP_DEFAULTS.requestTimeout),
    maxRetryAfter: checkDuration('http.maxRetryAfter', maxRetryAfter, HTTP_DEFAULTS.maxRetryAfter),
  };
}
