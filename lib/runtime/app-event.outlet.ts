import { Injectable } from '@nestjs/common';
import { JobsConfigurationError } from '../jobs.errors.js';
import type { EmitOptions } from '../interfaces/emit-options.interface.js';

type Emit = (name: string, payload: unknown, options?: EmitOptions) => Promise<string>;

/**
 * Where `ctx.emit` sends an application event. The runtime sits below the `events` extra and cannot import it, so the
 * extra attaches its `AppEvents.emit` here at start-up; without the extra, `ctx.emit` says how to turn it on.
 */
@Injectable()
export class AppEventOutlet {
  private emitter?: Emit;

  /** @internal The `events` extra attaches itself here. */
  attach(emit: Emit): void {
    this.emitter = emit;
  }

  emit(name: string, payload: unknown, options?: EmitOptions): Promise<string> {
    if (!this.emitter) {
      return Promise.reject(new JobsConfigurationError(`ctx.emit("${name}") needs the "events" option of JobsModule.forRoot.`));
    }
    return this.emitter(name, payload, options);
  }
}
