import { describe, expect, it } from 'vitest';
import {
  bucketsBetween,
  floorToBucket,
  intervalFor,
  rangeFromParams,
  rangeToParams,
  resolveRange,
} from '../../web/src/components/date-range.js';

const NOW = new Date('2025-06-15T10:30:00.000Z');

describe('date ranges', () => {
  it('resolves presets against now', () => {
    expect(resolveRange({ preset: '7d' }, NOW)).toMatchObject({ from: '2025-06-08T10:30:00.000Z', to: NOW.toISOString(), interval: 'DAY' });
    expect(resolveRange({ preset: '24h' }, NOW).interval).toBe('HOUR');
    expect(resolveRange({ preset: 'mtd' }, NOW).from).toBe('2025-06-01T00:00:00.000Z');
    expect(resolveRange({ preset: 'last-month' }, NOW)).toMatchObject({
      from: '2025-05-01T00:00:00.000Z',
      to: '2025-06-01T00:00:00.000Z',
      label: 'May 2025',
    });
  });
  it('treats custom dates as whole UTC days, both inclusive', () => {
    expect(resolveRange({ preset: 'custom', from: '2025-05-01', to: '2025-05-31' }, NOW)).toMatchObject({
      from: '2025-05-01T00:00:00.000Z',
      to: '2025-06-01T00:00:00.000Z',
      interval: 'DAY',
    });
  });
  it('picks readable bucket widths', () => {
    expect(intervalFor(86_400_000)).toBe('HOUR');
    expect(intervalFor(30 * 86_400_000)).toBe('DAY');
    expect(intervalFor(200 * 86_400_000)).toBe('WEEK');
    expect(intervalFor(400 * 86_400_000)).toBe('MONTH');
  });
  it('round-trips through the URL and ignores bad input', () => {
    const params = rangeToParams({ preset: 'custom', from: '2025-05-01', to: '2025-05-31' }, new URLSearchParams('org=o1'));
    expect(params.toString()).toBe('org=o1&from=2025-05-01&to=2025-05-31');
    expect(rangeFromParams(params)).toEqual({ preset: 'custom', from: '2025-05-01', to: '2025-05-31' });
    expect(rangeFromParams(new URLSearchParams('range=7d'))).toEqual({ preset: '7d' });
    expect(rangeFromParams(new URLSearchParams('range=bogus&from=2025-13-99&to=x'))).toEqual({ preset: '30d' });
    expect(rangeFromParams(new URLSearchParams('from=2025-06-02&to=2025-06-01'))).toEqual({ preset: '30d' });
    expect(rangeToParams({ preset: '30d' }, new URLSearchParams('range=7d')).toString()).toBe('');
  });
  it('lists buckets like date_trunc in UTC (weeks from Monday)', () => {
    expect(bucketsBetween('2025-06-01T10:00:00Z', '2025-06-03T00:00:00Z', 'DAY')).toEqual([
      '2025-06-01T00:00:00.000Z',
      '2025-06-02T00:00:00.000Z',
    ]);
    expect(floorToBucket(new Date('2025-06-01T10:00:00Z'), 'WEEK').toISOString()).toBe('2025-05-26T00:00:00.000Z');
    expect(bucketsBetween('2025-01-15T00:00:00Z', '2025-03-01T00:00:00Z', 'MONTH')).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2025-02-01T00:00:00.000Z',
    ]);
  });
});
