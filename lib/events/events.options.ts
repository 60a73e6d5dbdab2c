import type { Type } from '@nestjs/common';
import { badOption, integerOption } from '../option-checks.js';
import type { JobsEventsOptions } from '../interfaces/app-events.interface.js';
import { eventNameProblem } from './event-names.js';

export interface ResolvedEventsOptions {
  schemas: Record<string, Type<object>>;
  unknownNames: 'allow' | 'refuse';
  queue: string;
  retentionDays: number;
  restEmit: { names?: string[]; ratePerMinute?: number };
}

export const EVENTS_DEFAULTS = { unknownNames: 'allow', queue: 'events', retentionDays: 30 } as const;

/** Whether the module is asked for application events; decides the module's shape, so it reads the static extras. */
export const eventsEnabled = (events: JobsEventsOptions | boolean | undefined): events is JobsEventsOptions | true =>
  events === true || (typeof events === 'object' && events !== null && events.enabled !== false);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks `events` once at start-up, naming the option at fault by its path in `forRoot`. */
export function resolveEventsOptions(events: JobsEventsOptions | true): ResolvedEventsOptions {
  const o: JobsEventsOptions = events === true ? {} : events;
  const schemas = o.schemas ?? {};
  if (!isObject(schemas)) badOption('events.schemas', 'an object of event names to class-validator classes', schemas);
  for (const [name, schema] of Object.entries(schemas)) {
    const problem = eventNameProblem(name);
    if (problem) badOption(`events.schemas`, `keyed by event names: a key ${problem}`, name);
    if (typeof schema !== 'function') badOption(`events.schemas.${name}`, 'a class-validator class', schema, () => typeof schema);
  }
  const unknownNames = o.unknownNames ?? EVENTS_DEFAULTS.unknownNames;
  if (unknownNames !== 'allow' && unknownNames !== 'refuse') badOption('events.unknownNames', '"allow" or "refuse"', unknownNames);
  const queue = o.queue ?? EVENTS_DEFAULTS.queue;
  if (typeof queue !== 'string' || !queue || queue.includes(':')) badOption('events.queue', 'a non-empty queue name without ":"', queue);
  const retentionDays = integerOption(o.retentionDays ?? EVENTS_DEFAULTS.retentionDays);
  if (!Number.isInteger(retentionDays) || retentionDays < 0) {
    badOption('events.retentionDays', 'a non-negative integer (0 keeps events for ever)', retentionDays);
  }
  const restEmit = o.restEmit ?? {};
  if (!isObject(restEmit)) badOption('events.restEmit', 'an object', restEmit);
  const { names, ratePerMinute } = restEmit;
  if (names !== undefined && !(Array.isArray(names) && names.every((n) => eventNameProblem(n) === undefined))) {
    badOption('events.restEmit.names', 'a list of event names', names);
  }
  const rate = integerOption(ratePerMinute);
  if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) badOption('events.restEmit.ratePerMinute', 'a positive integer', rate);
  return {
    schemas,
    unknownNames,
    queue,
    retentionDays,
    restEmit: { names, ratePerMinute: rate },
  };
}
