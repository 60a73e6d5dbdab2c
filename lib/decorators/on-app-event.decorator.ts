import { SetMetadata } from '@nestjs/common';
import { ON_APP_EVENT_METADATA } from '../jobs.constants.js';
import type { OnAppEventMetadata, OnAppEventOptions } from '../interfaces/app-events.interface.js';

/**
 * Subscribes the decorated method to application events whose name is `pattern` (`user.created`) or matches it
 * (`user.*`, `**`). Each delivery of an event to the method is a job of its own: the method receives
 * `(payload, ctx: AppEventContext)`.
 */
export const OnAppEvent = (pattern: string, options: OnAppEventOptions = {}): MethodDecorator =>
  SetMetadata<string, OnAppEventMetadata>(ON_APP_EVENT_METADATA, { pattern, options });
