import { describe, expect, it } from '@jest/globals';
import type { JobEvent } from '../../lib/index.js';
import { matches, parseRequest, type EventMatcher } from '../../lib/gateway/gateway-protocol.js';

const event = (fields: Partial<JobEvent>) =>
  ({ type: 'active', jobId: '7', name: 'report', queue: 'default', timestamp: 0, scope: 'cluster', ...fields }) as JobEvent;
const matcherOf = (text: string): EventMatcher => {
  const request = parseRequest(text);
  if (!('matcher' in request)) throw new Error(JSON.stringify(request));
  return request.matcher;
};

describe('gateway protocol', () => {
  it('matches every listed field, any value of a list, and anything for an absent field', () => {
    const m = matcherOf('{"op":"subscribe","names":["report","mail"],"types":["active","completed"]}');
    expect(matches(m, event({}))).toBe(true);
    expect(matches(m, event({ name: 'mail', type: 'completed' }))).toBe(true);
    expect(matches(m, event({ type: 'progress' }))).toBe(false);
    expect(matches(m, event({ name: 'other' }))).toBe(false);
    expect(matches(matcherOf('{"op":"subscribe"}'), event({ queue: 'anything' }))).toBe(true);
    expect(matches(matcherOf('{"op":"subscribe","jobIds":["8"],"queues":["default"]}'), event({}))).toBe(false);
  });

  it('refuses __proto__, constructor and prototype as it refuses any unknown field', () => {
    for (const key of ['__proto__', 'constructor', 'prototype'])
      expect(parseRequest(`{"op":"subscribe","${key}":{"names":["x"]}}`)).toEqual({
        error: { field: key, message: `Unknown field "${key}": subscribe takes op, id, jobIds, names, queues, types.` },
      });
  });

  it('reads unsubscribe with or without an id', () => {
    expect(parseRequest('{"op":"unsubscribe","id":"a"}')).toEqual({ op: 'unsubscribe', id: 'a' });
    expect(parseRequest('{"op":"unsubscribe"}')).toEqual({ op: 'unsubscribe', id: undefined });
  });

  it('names the field at fault without echoing large values', () => {
    expect(parseRequest('{"op":"unsubscribe","jobIds":["a"]}')).toEqual({
      error: { field: 'jobIds', message: 'Unknown field "jobIds": unsubscribe takes op, id.' },
    });
    expect(parseRequest(`{"op":"subscribe","names":["a",${JSON.stringify('x'.repeat(500))},3]}`)).toEqual({
      error: { field: 'names[2]', message: '"names[2]" must be a non-empty string; got 3.' },
    });
    expect(parseRequest(JSON.stringify({ op: 'x'.repeat(500) }))).toEqual({
      error: { field: 'op', message: `"op" must be "subscribe" or "unsubscribe"; got "${'x'.repeat(40)}…".` },
    });
    expect(parseRequest(JSON.stringify({ op: 'subscribe', jobIds: Array(1001).fill('a') }))).toMatchObject({
      error: { field: 'jobIds', message: '"jobIds" holds 1001 entries; at most 1000.' },
    });
  });
});
