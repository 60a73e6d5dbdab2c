/** The bundle, read at start-up (`ConsoleAssets`). */
export const CONSOLE_ASSETS = Symbol('nestjs-jobs:console-assets');
/** What the page is told: its title, its route, the admin API's path, the board's route. */
export const CONSOLE_CONFIG = Symbol('nestjs-jobs:console-config');
