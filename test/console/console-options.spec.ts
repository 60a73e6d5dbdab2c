import { describe, expect, it } from '@jest/globals';
import { resolveConsoleOptions } from '../../lib/console/console.options.js';
import { JobsConfigurationError } from '../../lib/index.js';

describe('console options', () => {
  it('default to the route jobs-console and the title Jobs', () => {
    expect(resolveConsoleOptions({}, true)).toEqual({ route: 'jobs-console', title: 'Jobs' });
    expect(resolveConsoleOptions({ route: '/ops/console/', title: 'Ops' }, true)).toEqual({ route: 'ops/console', title: 'Ops' });
  });

  it('refuse a console without the admin API it reads, naming the option', () => {
    expect(() => resolveConsoleOptions({}, false)).toThrow(JobsConfigurationError);
    expect(() => resolveConsoleOptions({}, false)).toThrow(/"console" must be given with `admin`/);
  });

  it.each([
    ['a route with a query', { route: 'console?x=1' }, 'console.route'],
    ['a route with spaces', { route: 'my console' }, 'console.route'],
    ['an empty route', { route: '/' }, 'console.route'],
    ['a title that is not a string', { title: 7 as never }, 'console.title'],
    ['an empty title', { title: '' }, 'console.title'],
  ])('refuse %s', (_what, given, option) => {
    expect(() => resolveConsoleOptions(given, true)).toThrow(`"${option}"`);
  });
});
