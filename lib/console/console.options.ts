import type { JobsConsoleOptions } from '../interfaces/jobs-admin.interface.js';
import { badOption } from '../option-checks.js';

export interface ResolvedConsoleOptions {
  route: string;
  title: string;
}

/** What the page needs to find its data: where the admin API is, and the board's route when there is one. */
export interface ConsoleConfig {
  title: string;
  route: string;
  adminPath: string;
  boardRoute: string | null;
}

const ROUTE = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

/** `console`, checked and defaulted once. */
export function resolveConsoleOptions(given: JobsConsoleOptions, adminOn: boolean): ResolvedConsoleOptions {
  if (!adminOn) badOption('console', 'given with `admin`: the console reads everything through the admin API', given);
  const route = (given.route ?? 'jobs-console').replace(/^\/+|\/+$/g, '');
  if (!ROUTE.test(route)) badOption('console.route', 'a path of letters, digits and . _ ~ - separated by /', given.route);
  const title = given.title ?? 'Jobs';
  if (typeof title !== 'string' || !title || title.length > 100) badOption('console.title', 'a string of 1 to 100 characters', title);
  return { route, title };
}
