import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFAULT_INPUT_LIMITS, inputShapeProblem } from '../../lib/policy/input-shape.js';

// A fixed seed keeps CI repeatable; FC_SEED=<n> (or a random one) explores further by hand.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261202) });

/** `{ a: { a: … } }` `levels` deep, built without recursion, as JSON.parse would give it. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const withKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

describe('inputShapeProblem', () => {
  it('accepts a value at every limit', () => {
    expect(inputShapeProblem(nested(DEFAULT_INPUT_LIMITS.depth - 1))).toBeUndefined();
    expect(inputShapeProblem(withKeys(DEFAULT_INPUT_LIMITS.keys))).toBeUndefined();
    expect(inputShapeProblem({ list: new Array(DEFAULT_INPUT_LIMITS.items).fill(0) })).toBeUndefined();
  });

  it('refuses nesting deeper than the limit, naming the path where it went too deep, without overflowing the stack', () => {
    const problem = inputShapeProblem(nested(100_000));
    expect(problem?.constraint).toBe('maxDepth');
    expect(problem?.field).toBe(Array.from({ length: DEFAULT_INPUT_LIMITS.depth }, () => 'a').join('.'));
  });

  it('refuses an object with too many keys and an array with too many items, naming where', () => {
    expect(inputShapeProblem({ meta: withKeys(150_000) })).toMatchObject({ field: 'meta', constraint: 'maxKeys' });
    expect(inputShapeProblem({ rows: [{ ids: new Array(10_001).fill(1) }] })).toMatchObject({
      field: 'rows.0.ids',
      constraint: 'maxItems',
    });
  });

  it('refuses __proto__, constructor and prototype as own keys, as JSON.parse makes them, unless told not to', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const value = JSON.parse(`{"data":{"ok":1,"${key}":{"isAdmin":true}}}`);
      expect(inputShapeProblem(value)).toMatchObject({ field: `data.${key}`, constraint: 'forbiddenKey' });
      expect(inputShapeProblem(value, DEFAULT_INPUT_LIMITS, { forbidPrototypeKeys: false })).toBeUndefined();
    }
  });

  it('tells a cycle from a value two fields share', () => {
    const shared = { x: 1 };
    expect(inputShapeProblem({ a: shared, b: [shared, shared] })).toBeUndefined();
    const loop: Record<string, unknown> = { a: { b: {} } };
    (loop.a as { b: Record<string, unknown> }).b.back = loop.a;
    expect(inputShapeProblem(loop)).toMatchObject({ field: 'a.b.back', constraint: 'circular' });
  });

  it('walks a value shared many times once, so a small graph cannot stand for an exponential tree', () => {
    let value: unknown = { leaf: true };
    for (let i = 0; i < 30; i++) value = [value, value];
    expect(inputShapeProblem(value)).toBeUndefined();
  });

  it('leaves scalars, dates and buffers alone and honours other limits', () => {
    for (const v of [null, undefined, 1, 'x', true, new Date(), Buffer.from('ab')]) expect(inputShapeProblem(v)).toBeUndefined();
    expect(inputShapeProblem({ a: [1, 2, 3] }, { depth: 1, keys: 10, items: 10 })).toMatchObject({ field: 'a', constraint: 'maxDepth' });
    expect(inputShapeProblem({ a: 1, b: 2 }, { depth: 5, keys: 1, items: 10 })).toMatchObject({ field: '', constraint: 'maxKeys' });
  });

  it('agrees with a recursive measure of the same value for any JSON (property)', () => {
    const depthOf = (v: unknown): number =>
      v && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map((c: unknown) => depthOf(c))) : 0;
    const limits = { depth: 4, keys: 3, items: 3 };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const problem = inputShapeProblem(value, limits, { forbidPrototypeKeys: false });
        const tooDeep = depthOf(value) > limits.depth;
        let tooWide = false;
        const walk = (v: unknown, depth: number): void => {
          if (!v || typeof v !== 'object' || depth > limits.depth) return;
          if (Array.isArray(v) ? v.length > limits.items : Object.keys(v).length > limits.keys) tooWide = true;
          Object.values(v).forEach((c) => walk(c, depth + 1));
        };
        walk(value, 1);
        expect(problem !== undefined).toBe(tooDeep || tooWide);
      }),
    );
  });
});
