import type { Provider } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import { AppEventRecord } from '../history/entities/app-event.entity.js';
import type { ResolvedHistoryOptions } from '../history/history.options.js';
import { AppEventStore } from './app-event.store.js';
import { AppEventsRetention } from './app-events-retention.service.js';
import { APP_EVENT_REPOSITORY, APP_EVENT_STORE } from './events.constants.js';

/** The event store in the host's database, beside history's tables (history's parts register the entity). */
export function appEventStoreProviders(history: ResolvedHistoryOptions): Provider[] {
  return [
    { provide: APP_EVENT_REPOSITORY, useExisting: getRepositoryToken(AppEventRecord, history.dataSource) },
    AppEventStore,
    { provide: APP_EVENT_STORE, useExisting: AppEventStore },
    AppEventsRetention,
  ];
}
