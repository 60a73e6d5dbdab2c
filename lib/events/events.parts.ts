import type { DynamicModule, Provider } from '@nestjs/common';
import type { ResolvedHistoryOptions } from '../history/history.options.js';
import { AppEventSubscribers } from './app-event.subscribers.js';
import { AppEvents } from './app-events.service.js';
import { AppEventsExplorer } from './app-events.explorer.js';
import { EVENTS_OPTIONS } from './events.constants.js';
import type { ResolvedEventsOptions } from './events.options.js';
import { RestEmitGate } from './rest-emit.gate.js';

/** Emitting and delivering: the module's and the testing mode's alike. */
export const appEventsProviders = (options: ResolvedEventsOptions): Provider[] => [
  { provide: EVENTS_OPTIONS, useValue: options },
  AppEventSubscribers,
  AppEventsExplorer,
  AppEvents,
];

/**
 * What `events` adds to the module: the subscribers' discovery, `AppEvents`, and with history on the event store and
 * its retention, loaded only then (they bring TypeORM).
 */
export async function eventsParts(
  options: ResolvedEventsOptions,
  history: ResolvedHistoryOptions | undefined,
): Promise<Pick<DynamicModule, 'providers' | 'exports'>> {
  const providers: Provider[] = [...appEventsProviders(options), RestEmitGate];
  const exports: DynamicModule['exports'] = [AppEvents];
  if (history) providers.push(...(await import('./app-event-store.parts.js')).appEventStoreProviders(history));
  return { providers, exports };
}
