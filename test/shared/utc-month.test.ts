import { describe, expect, it } from 'vitest';
import { parseUtcMonth, utcMonthOf } from '../../shared/utc-month.js';

describe('UTC months', () => {
  it('names the UTC month of a date, not the local one', () => {
    expect(utcMonthOf(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11');
    expect(utcMonthOf(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12');
  });

  it('answers each instant right when asked across month edges in any order (it remembers the last month)', () => {
    const instants = [
      '2026-11-30T23:59:59.999Z',
      '2026-12-01T00:00:00.000Z',
      '2026-11-30T23:59:59.999Z',
      '2026-11-01T00:00:00.000Z',
      '2026-10-31T23:59:59.999Z',
      '2027-01-01T00:00:00.000Z',
      '2026-12-31T23:59:59.999Z',
      '0050-01-15T00:00:00.000Z',
      '0049-12-31T23:59:59.999Z',
    ];
    for (let round = 0; round < 2; round += 1)
      for (const instant of instants) expect(utcMonthOf(new Date(instant)), instant).toBe(new Date(instant).toISOString().slice(0, 7));
    expect(() => utcMonthOf(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('reads YYYY-MM as its first instant up to the next month’s, across a year end', () => {
    expect(parseUtcMonth('2026-02')).toEqual({
      month: '2026-02',
      from: new Date('2026-02-01T00:00:00.000Z'),
      to: new Date('2026-03-01T00:00:00.000Z'),
    });
    expect(parseUtcMonth('2026-12')?.to).toEqual(new Date('2027-01-01T00:00:00.000Z'));
  });

  it('keeps years below 100 as written (Date.UTC would make 0050 into 1950)', () => {
    expect(parseUtcMonth('0050-01')?.from.getUTCFullYear()).toBe(50);
  });

  it('refuses anything but exactly YYYY-MM with a month 01–12', () => {
    for (const text of ['2026-13', '2026-00', '2026-1', '26-11', ' 2026-11', '2026-11 ', '2026-11-01', '=cmd', '']) {
      expect(parseUtcMonth(text), text).toBeNull();
    }
  });
});
