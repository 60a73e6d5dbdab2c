import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JobsConfigurationError } from '../jobs.errors.js';
import { messages } from '../jobs.messages.js';

export interface DecoratedMethod<T> {
  instance: object;
  method: string;
  /** `Class.method`, for messages. */
  where: string;
  meta: T;
}

/** Finds provider methods carrying one metadata key; only singletons may carry it, since they live for the app's life. */
@Injectable()
export class DecoratedMethods {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  find<T>(metadataKey: string, decorator: string): DecoratedMethod<T>[] {
    const found: DecoratedMethod<T>[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.inject) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const meta = this.reflector.get<T | undefined>(metadataKey, instance[method] as () => void);
        if (meta === undefined) continue;
        const where = `${instance.constructor.name}.${method}`;
        if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
          throw new JobsConfigurationError(messages.notSingleton(instance.constructor.name, `(${decorator} ${where})`));
        }
        found.push({ instance, method, where, meta });
      }
    }
    return found;
  }
}
