import { describe, expect, it } from '@jest/globals';
import { eventMatcher, eventNameProblem, eventPatternProblem } from '../../lib/events/event-names.js';

describe('event names and patterns', () => {
  it.each([
    ['user.created', 'user.created', true],
    ['user.created', 'user.deleted', false],
    ['user.*', 'user.created', true],
    ['user.*', 'user', false],
    ['user.*', 'user.profile.updated', false],
    ['*.created', 'order.created', true],
    ['user.**', 'user', true],
    ['user.**', 'user.profile.updated', true],
    ['user.**', 'users.created', false],
    ['**', 'anything.at.all', true],
    ['**', 'one', true],
    ['**.paid', 'billing.invoice.paid', true],
    ['**.paid', 'billing.invoice.unpaid', false],
    ['a.**.z', 'a.z', true],
    ['a.**.z', 'a.b.c.z', true],
    ['a.**.z', 'a.b.c', false],
    ['*.*', 'a.b', true],
    ['*.*', 'a.b.c', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(eventMatcher(pattern)(name)).toBe(expected);
  });

  it.each(['user.created', 'a', 'billing.invoice-paid', 'A_1.b-2'])('takes the name %s', (name) => {
    expect(eventNameProblem(name)).toBeUndefined();
  });

  it.each(['', 'user.', '.user', 'user..created', 'user.*', 'user created', 'ü.x', 'a'.repeat(256), 7, null])(
    'refuses the name %p, saying what a name is',
    (name) => {
      expect(eventNameProblem(name)).toMatch(/^must be dot-separated segments .* got /);
    },
  );

  it.each(['user.*', '**', 'a.**.z', '*', 'user.created'])('takes the pattern %s', (pattern) => {
    expect(eventPatternProblem(pattern)).toBeUndefined();
  });

  it.each(['', 'user.*x', 'user.***', 'user..*', '**.', 7])('refuses the pattern %p', (pattern) => {
    expect(eventPatternProblem(pattern)).toMatch(/^must be an event name whose segments may also be/);
  });

  it('matches a pattern of many ** against a long name at once, not by trying every split', () => {
    const pattern = Array.from({ length: 60 }, () => '**').join('.') + '.z';
    const name = Array.from({ length: 120 }, () => 'a').join('.');
    const started = performance.now();
    expect(eventMatcher(pattern)(name)).toBe(false);
    expect(eventMatcher(pattern)(`${name}.z`)).toBe(true);
    // Trying each split would take longer than the age of the universe; the table takes 60 × 121 steps.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
