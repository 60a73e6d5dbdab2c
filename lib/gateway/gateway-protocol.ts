import { JOB_EVENT_TYPES, type JobEvent, type JobEventType } from '../interfaces/job-event.interface.js';
import { GATEWAY_LIMITS } from './gateway.constants.js';

/** Which events a subscription takes: every listed field must match, any value of a list may; an absent field matches all. */
export interface JobsGatewayFilter {
  jobIds?: string[];
  names?: string[];
  queues?: string[];
  types?: JobEventType[];
}

/** What a client sends, as one JSON text frame. `unsubscribe` without `id` ends every subscription of the socket. */
export type JobsGatewayRequest = ({ op: 'subscribe'; id?: string } & JobsGatewayFilter) | { op: 'unsubscribe'; id?: string };

export interface JobsGatewayError {
  message: string;
  /** The field at fault (`op`, `jobIds`, `types[2]`, …); absent when the whole message is. */
  field?: string;
}

/** What the server sends: an event, or the answer to a request (answers come in the order of the requests). */
export type JobsGatewayMessage = { event: JobEvent } | { subscribed: string } | { unsubscribed: string[] } | { error: JobsGatewayError };

/** A subscription as the server matches it. */
export interface EventMatcher {
  jobIds?: ReadonlySet<string>;
  names?: ReadonlySet<string>;
  queues?: ReadonlySet<string>;
  types?: ReadonlySet<string>;
}

export type GatewayRequest = { op: 'subscribe'; id?: string; matcher: EventMatcher } | { op: 'unsubscribe'; id?: string };

const FILTER_FIELDS = ['jobIds', 'names', 'queues', 'types'] as const;
const FIELDS = { subscribe: ['op', 'id', ...FILTER_FIELDS], unsubscribe: ['op', 'id'] } as const;
const EVENT_TYPES: ReadonlySet<string> = new Set(JOB_EVENT_TYPES);

export const matches = (m: EventMatcher, event: JobEvent): boolean =>
  (!m.jobIds || m.jobIds.has(event.jobId)) &&
  (!m.names || m.names.has(event.name)) &&
  (!m.queues || m.queues.has(event.queue)) &&
  (!m.types || m.types.has(event.type));

const fault = (message: string, field?: string): { error: JobsGatewayError } => ({ error: field ? { message, field } : { message } });

/** A short description of what was sent, without echoing a large value back. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  return Array.isArray(value)
    ? 'an array'
    : typeof value === 'object'
      ? 'an object'
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : typeof value;
}

function listOf(value: unknown, field: (typeof FILTER_FIELDS)[number]): ReadonlySet<string> | { error: JobsGatewayError } {
  const what = field === 'types' ? `event types (${JOB_EVENT_TYPES.join(', ')})` : 'non-empty strings';
  const expected = field === 'types' ? `one of the ${what}` : 'a non-empty string';
  if (!Array.isArray(value)) return fault(`"${field}" must be an array of ${what}; leave it out to match any; got ${shown(value)}.`, field);
  if (!value.length) return fault(`"${field}" must hold at least one entry; leave it out to match any.`, field);
  if (value.length > GATEWAY_LIMITS.maxFilterValues)
    return fault(`"${field}" holds ${value.length} entries; at most ${GATEWAY_LIMITS.maxFilterValues}.`, field);
  for (const [i, item] of value.entries()) {
    const ok = typeof item === 'string' && (field === 'types' ? EVENT_TYPES.has(item) : item.length > 0);
    if (!ok) return fault(`"${field}[${i}]" must be ${expected}; got ${shown(item)}.`, `${field}[${i}]`);
  }
  return new Set(value as string[]);
}

/** Reads one text frame of a client; never throws: a bad message gives an error naming the field at fault. */
export function parseRequest(text: string): GatewayRequest | { error: JobsGatewayError } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fault('The message is not JSON; send {"op":"subscribe",…} or {"op":"unsubscribe",…}.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fault(`A message must be a JSON object with "op"; got ${shown(value)}.`);
  const fields = value as Record<string, unknown>;
  const { op, id } = fields;
  if (op !== 'subscribe' && op !== 'unsubscribe') return fault(`"op" must be "subscribe" or "unsubscribe"; got ${shown(op)}.`, 'op');
  const known: readonly string[] = FIELDS[op];
  const unknown = Object.keys(fields).find((key) => !known.includes(key));
  if (unknown !== undefined)
    return fault(`Unknown field "${unknown.slice(0, 40)}": ${op} takes ${known.join(', ')}.`, unknown.slice(0, 40));
  if (id !== undefined && !(typeof id === 'string' && id.length > 0 && id.length <= GATEWAY_LIMITS.maxIdLength)) {
    return fault(`"id" must be a string of 1 to ${GATEWAY_LIMITS.maxIdLength} characters; got ${shown(id)}.`, 'id');
  }
  if (op === 'unsubscribe') return { op, id };
  const matcher: EventMatcher = {};
  for (const field of FILTER_FIELDS) {
    if (fields[field] === undefined) continue;
    const list = listOf(fields[field], field);
    if ('error' in list) return list;
    matcher[field] = list;
  }
  return { op, id, matcher };
}
