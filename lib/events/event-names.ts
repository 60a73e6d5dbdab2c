/**
 * Event names and subscription patterns. A name is dot-separated segments of letters, digits, `_` and `-`
 * (`user.created`, `billing.invoice-paid`); a pattern may also use `*` for exactly one segment and `**` for any number
 * of segments, none included (`user.*`, `billing.**`, `**`).
 */
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const MAX_LENGTH = 255;

export const EVENT_NAME_RULE = 'dot-separated segments of letters, digits, "_" and "-", at most 255 characters (e.g. "user.created")';
export const EVENT_PATTERN_RULE = `an event name whose segments may also be "*" (one segment) or "**" (any number), e.g. "user.*"`;

/** Why `name` is not an event name, or undefined when it is one. */
export function eventNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !name || name.length > MAX_LENGTH || !name.split('.').every((s) => SEGMENT.test(s))) {
    return `must be ${EVENT_NAME_RULE}; got ${JSON.stringify(name)}`;
  }
  return undefined;
}

/** Why `pattern` is not a subscription pattern, or undefined when it is one. */
export function eventPatternProblem(pattern: unknown): string | undefined {
  const ok =
    typeof pattern === 'string' &&
    !!pattern &&
    pattern.length <= MAX_LENGTH &&
    pattern.split('.').every((s) => s === '*' || s === '**' || SEGMENT.test(s));
  return ok ? undefined : `must be ${EVENT_PATTERN_RULE}; got ${JSON.stringify(pattern)}`;
}

export const isPattern = (pattern: string): boolean => pattern.split('.').some((s) => s === '*' || s === '**');

/** A matcher for a valid pattern: compiled once per subscriber, asked on every emit. */
export function eventMatcher(pattern: string): (name: string) => boolean {
  if (!isPattern(pattern)) return (name) => name === pattern;
  const wanted = pattern.split('.');
  return (name) => matchSegments(wanted, name.split('.'));
}

/**
 * Whether the pattern's segments cover the name's, in time proportional to their product: patterns also come from the
 * Events API's query, and trying each split of every `**` in turn would take exponential time on `**.**.**…`.
 * `matched[j]`: the pattern's segments so far cover the name's first `j`.
 */
function matchSegments(pattern: string[], name: string[]): boolean {
  let matched = name.map(() => false).concat(false);
  matched[0] = true;
  for (const segment of pattern) {
    const next = matched.map(() => false);
    let anyBefore = false;
    for (let j = 0; j <= name.length; j++) {
      anyBefore ||= matched[j];
      next[j] = segment === '**' ? anyBefore : j > 0 && matched[j - 1] && (segment === '*' || segment === name[j - 1]);
    }
    matched = next;
  }
  return matched[name.length];
}
