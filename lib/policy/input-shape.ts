import type { InputLimits } from '../interfaces/input-limits.interface.js';

/**
 * How large a value the module takes from outside (a payload, an admin request, a gateway message) may be, checked
 * before anything transforms it: class-transformer recurses (a few thousand levels overflow the stack) and de-duplicates
 * each object's keys in quadratic time (30,000 keys hold the event loop for a second), so a bound on depth and on keys
 * per object keeps one request from stalling the process.
 */
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = { depth: 32, keys: 1_000, items: 10_000 };

/**
 * Keys that class-transformer drops without a word (or that would reach an object's prototype): refused in input a
 * schema describes, as any other unknown key is.
 */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

export interface InputShapeProblem {
  /** Dotted path of the value at fault (`items.3.tags`), empty for the value itself. */
  field: string;
  /** A class-validator-like constraint name: `maxDepth`, `maxKeys`, `maxItems`, `forbiddenKey`, `circular`. */
  constraint: string;
  message: string;
}

interface Node {
  value: object;
  depth: number;
  parent?: Node;
  key?: string;
}

const pathOf = (node: Node | undefined, last?: string): string => {
  const keys: string[] = last === undefined ? [] : [last];
  for (let n = node; n?.key !== undefined; n = n.parent) keys.unshift(n.key);
  return keys.join('.');
};

/** Objects and arrays are walked; dates, buffers and typed arrays are leaves as JSON.stringify writes them. */
const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null && !(v instanceof Date) && !ArrayBuffer.isView(v);

/**
 * The first way `value` exceeds `limits`, or undefined. Walks without recursion, visiting each value once, so its own
 * cost is linear and its stack flat whatever the input. With `forbidPrototypeKeys`, an own `__proto__`, `constructor`
 * or `prototype` key is a problem too.
 */
export function inputShapeProblem(
  value: unknown,
  limits: Readonly<InputLimits> = DEFAULT_INPUT_LIMITS,
  { forbidPrototypeKeys = true }: { forbidPrototypeKeys?: boolean } = {},
): InputShapeProblem | undefined {
  if (!isContainer(value)) return undefined;
  const seen = new WeakSet<object>();
  const stack: Node[] = [{ value, depth: 1 }];
  while (stack.length) {
    const node = stack.pop()!;
    const field = () => pathOf(node);
    if (node.depth > limits.depth)
      return { field: field(), constraint: 'maxDepth', message: `is nested deeper than ${limits.depth} levels` };
    if (seen.has(node.value)) {
      // Met before: a cycle if it is its own ancestor, else a value shared by two fields, already checked.
      for (let up = node.parent; up; up = up.parent)
        if (up.value === node.value) return { field: field(), constraint: 'circular', message: 'refers to itself' };
      continue;
    }
    seen.add(node.value);
    if (Array.isArray(node.value)) {
      if (node.value.length > limits.items)
        return { field: field(), constraint: 'maxItems', message: `has ${node.value.length} items; at most ${limits.items} are allowed` };
      node.value.forEach(
        (item, i) => isContainer(item) && stack.push({ value: item, depth: node.depth + 1, parent: node, key: String(i) }),
      );
      continue;
    }
    const keys = Object.keys(node.value);
    if (keys.length > limits.keys)
      return { field: field(), constraint: 'maxKeys', message: `has ${keys.length} keys; at most ${limits.keys} are allowed` };
    if (forbidPrototypeKeys) {
      const key = PROTOTYPE_KEYS.find((k) => Object.hasOwn(node.value, k));
      if (key) return { field: pathOf(node, key), constraint: 'forbiddenKey', message: `"${key}" is not allowed as a key` };
    }
    for (const key of keys) {
      const child = (node.value as Record<string, unknown>)[key];
      if (isContainer(child)) stack.push({ value: child, depth: node.depth + 1, parent: node, key });
    }
  }
  return undefined;
}
