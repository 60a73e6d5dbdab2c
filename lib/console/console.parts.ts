import type { DynamicModule } from '@nestjs/common';
import { mountController } from '../http/mount-controller.js';
import { loadConsoleAssets } from './console-assets.js';
import { ConsoleController } from './console.controller.js';
import { CONSOLE_ASSETS, CONSOLE_CONFIG } from './console.constants.js';
import type { ConsoleConfig, ResolvedConsoleOptions } from './console.options.js';

/** What `console` adds: its page at `console.route`, told where the admin API and the board are. */
export function consoleParts(
  options: ResolvedConsoleOptions,
  adminPath: string,
  boardRoute: string | null,
): Pick<DynamicModule, 'providers' | 'controllers'> {
  const config: ConsoleConfig = { title: options.title, route: options.route, adminPath, boardRoute };
  return {
    providers: [
      { provide: CONSOLE_ASSETS, useFactory: loadConsoleAssets },
      { provide: CONSOLE_CONFIG, useValue: config },
    ],
    controllers: [mountController(ConsoleController, options.route, [])],
  };
}
