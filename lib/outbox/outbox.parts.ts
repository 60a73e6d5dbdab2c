import type { DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { TRANSACTIONAL_ENQUEUER } from '../runtime/transactional-enqueuer.js';
import { OutboxCommits } from './outbox-commits.js';
import { OUTBOX_DATA_SOURCE, OUTBOX_OPTIONS, OUTBOX_STATS } from './outbox.constants.js';
import type { ResolvedOutboxOptions } from './outbox.options.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxWriter } from './outbox.writer.js';

/**
 * What the outbox adds beside history (its table is in history's DataSource): the writer behind `add`'s `transaction`,
 * which the enqueuer finds by token, and the relay that moves committed rows to their queues.
 */
export function outboxParts(dataSource: string | undefined, options: ResolvedOutboxOptions): Pick<DynamicModule, 'providers' | 'exports'> {
  return {
    providers: [
      { provide: OUTBOX_OPTIONS, useValue: options },
      { provide: OUTBOX_DATA_SOURCE, useExisting: getDataSourceToken(dataSource) },
      OutboxCommits,
      OutboxWriter,
      { provide: TRANSACTIONAL_ENQUEUER, useExisting: OutboxWriter },
      OutboxRelay,
      { provide: OUTBOX_STATS, useFactory: (relay: OutboxRelay) => relay.stats, inject: [OutboxRelay] },
    ],
    exports: [TRANSACTIONAL_ENQUEUER, OutboxRelay],
  };
}
