import type { DynamicModule, Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import { QueueRegistry } from './queue.registry.js';

/**
 * The token `@InjectQueue(name)` of `@nestjs/bullmq` reads (`getQueueToken` of `@nestjs/bull-shared`); written here so
 * that the package does not need `@nestjs/bullmq` installed. A test compares it with theirs.
 */
export const queueToken = (name: string): string => `BullQueue_${name}`;

/** A module whose exports are the module's queues `names`, each under `queueToken(name)`: BullMQ `Queue`s. */
export function injectableQueues(module: DynamicModule['module'], names: string[]): DynamicModule {
  for (const name of names) {
    if (typeof name !== 'string' || !name || name.includes(':')) {
      throw new InvalidJobOptionsError('registerQueue', `takes queue names without ":"; got ${JSON.stringify(name)}.`);
    }
  }
  const providers: Provider[] = names.map((name) => ({
    provide: queueToken(name),
    useFactory: (queues: QueueRegistry): Queue => queues.declare(name),
    inject: [QueueRegistry],
  }));
  return { module, providers, exports: providers.map((p) => (p as { provide: string }).provide) };
}
