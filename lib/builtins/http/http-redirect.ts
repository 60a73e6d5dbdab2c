import { UnrecoverableJobError } from '../../jobs.errors.js';
import type { OutgoingRequest } from './http-exchange.js';
import { shownUrl } from './http-exchange.js';

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const without = (headers: Record<string, string>, names: string[]) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));

/** The next hop of a redirect, as browsers make it: 303 (and 301/302 after POST) turn into GET; credentials stay with their origin. */
export function nextHop(from: URL, request: OutgoingRequest, status: number, location: string): { url: URL; request: OutgoingRequest } {
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    throw new UnrecoverableJobError(`${request.method} ${shownUrl(from)} redirected to an invalid location ${JSON.stringify(location)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnrecoverableJobError(
      `${request.method} ${shownUrl(from)} redirected to ${url.protocol} URL; only http and https are followed.`,
    );
  }
  let next = request;
  if ((status === 303 && request.method !== 'HEAD') || ((status === 301 || status === 302) && request.method === 'POST')) {
    next = { method: 'GET', headers: without(request.headers, ['content-type', 'content-length']) };
  }
  if (url.origin !== from.origin) next = { ...next, headers: without(next.headers, ['authorization', 'cookie', 'proxy-authorization']) };
  return { url, request: next };
}
