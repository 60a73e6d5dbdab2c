import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { JobsConfigurationError, type JobsEventsOptions } from '../../lib/index.js';
import { EVENTS_DEFAULTS, eventsEnabled, resolveEventsOptions } from '../../lib/events/events.options.js';

class Payload {
  @IsString() id!: string;
}

describe('the events option', () => {
  it('is on when given, unless it says enabled: false', () => {
    expect([
      eventsEnabled(undefined),
      eventsEnabled(false),
      eventsEnabled(true),
      eventsEnabled({}),
      eventsEnabled({ enabled: false }),
    ]).toEqual([false, false, true, true, false]);
  });

  it('fills the defaults, and reads numbers given as text', () => {
    expect(resolveEventsOptions(true)).toEqual({
      schemas: {},
      ...EVENTS_DEFAULTS,
      restEmit: { names: undefined, ratePerMinute: undefined },
    });
    const resolved = resolveEventsOptions({ retentionDays: '7' as never, restEmit: { ratePerMinute: '60' as never } });
    expect([resolved.retentionDays, resolved.restEmit.ratePerMinute]).toEqual([7, 60]);
  });

  it.each<[string, JobsEventsOptions]>([
    ['events.schemas', { schemas: [] as never }],
    ['events.schemas', { schemas: { 'user..created': Payload } }],
    ['events.schemas.user.created', { schemas: { 'user.created': 'Payload' as never } }],
    ['events.unknownNames', { unknownNames: 'deny' as never }],
    ['events.queue', { queue: 'a:b' }],
    ['events.retentionDays', { retentionDays: -1 }],
    ['events.restEmit', { restEmit: 'all' as never }],
    ['events.restEmit.names', { restEmit: { names: ['user.*'] } }],
    ['events.restEmit.ratePerMinute', { restEmit: { ratePerMinute: 0 } }],
  ])('refuses a bad %s at start-up, naming it', (option, events) => {
    expect(() => resolveEventsOptions(events)).toThrow(JobsConfigurationError);
    expect(() => resolveEventsOptions(events)).toThrow(`JobsModule option "${option}" must be`);
  });
});
