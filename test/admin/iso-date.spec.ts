import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { IsIsoDate } from '../../lib/admin/dto/field.decorators.js';
import { MAX_DATE_MS } from '../../lib/jobs.constants.js';

// A fixed seed keeps CI repeatable; FC_SEED=<n> (or a random one) explores further by hand.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261202) });

class Moment {
  @IsIsoDate() at!: Date;
}

/** What the admin API makes of a value: the date it reads, or the messages of its 400. */
function read(at: unknown): Date | string[] {
  const moment = plainToInstance(Moment, { at });
  const errors = validateSync(moment);
  return errors.length ? Object.values(errors[0].constraints!) : moment.at;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const storable = fc.date({ min: new Date(0), max: new Date(MAX_DATE_MS), noInvalidDate: true });

describe('IsIsoDate', () => {
  it('reads back every storable moment written as JSON writes dates', () => {
    fc.assert(fc.property(storable, (date) => expect(read(date.toISOString())).toEqual(date)));
  });

  it('reads a moment written with any offset, a lowercase t and a fourth fraction digit as the same moment', () => {
    const offsets = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });
    fc.assert(
      fc.property(storable, offsets, (date, offset) => {
        const local = new Date(date.getTime() + offset * 60_000);
        fc.pre(local.getUTCFullYear() <= 9999 && local.getTime() >= 0);
        const sign = offset < 0 ? '-' : '+';
        const text =
          `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}t` +
          `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}0` +
          `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
        expect(read(text)).toEqual(date);
      }),
    );
  });

  it('refuses every day the calendar lacks, where new Date would roll into the next month', () => {
    // Days go missing only at the ends of months.
    const days = fc.record({
      year: fc.integer({ min: 1970, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 27, max: 31 }),
    });
    fc.assert(
      fc.property(days, ({ year, month, day }) => {
        const text = `${year}-${pad(month)}-${pad(day)}T00:00:00Z`;
        const exists = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
        expect([text, read(text) instanceof Date]).toEqual([text, exists]);
      }),
    );
    expect(read('2000-02-29T00:00:00Z')).toEqual(new Date(Date.UTC(2000, 1, 29)));
    expect(read('2100-02-29T00:00:00Z')).not.toBeInstanceOf(Date);
  });

  it('refuses numbers, digits and dates without a time or an offset', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double()), (n) =>
        expect(read(n)).toEqual(['at must be an ISO 8601 date-time with an offset, such as 2026-01-31T09:30:00Z']),
      ),
    );
    for (const text of [
      '1767225600000',
      '2026-01-31',
      '2026-01-31T09:30:00',
      '2026-01-31T09:30Z',
      '2026-01-31 09:30:00Z',
      '2026-01-31T09:30:60Z',
      '2026-01-31T09:30:00+24:00',
      '',
    ]) {
      expect([text, read(text)]).toEqual([text, ['at must be an ISO 8601 date-time with an offset, such as 2026-01-31T09:30:00Z']]);
    }
  });

  it('refuses a real moment outside what the stores keep, saying which moments they keep', () => {
    for (const text of ['1969-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999-00:01']) {
      expect([text, read(text)]).toEqual([text, ['at must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z']]);
    }
    expect(read('1970-01-01T00:00:00Z')).toEqual(new Date(0));
    expect(read('9999-12-31T23:59:59.999Z')).toEqual(new Date(MAX_DATE_MS));
  });
});
