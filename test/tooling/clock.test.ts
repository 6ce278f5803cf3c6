import { describe, expect, it } from 'vitest';
import { utcPeriodEnd } from '../support/clock.js';

describe('the end of the current UTC period (what tests straddling midnight or a month wait for)', () => {
  it('is the next midnight, or the first instant of the next month, in UTC', () => {
    expect(new Date(utcPeriodEnd('day', new Date('2026-11-30T23:59:59.999Z'))).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(utcPeriodEnd('day', new Date('2026-12-01T00:00:00.000Z'))).toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(new Date(utcPeriodEnd('month', new Date('2026-11-30T23:59:59.999Z'))).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(utcPeriodEnd('month', new Date('2026-12-31T12:00:00Z'))).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(new Date(utcPeriodEnd('month', new Date('2028-02-29T00:00:00Z'))).toISOString()).toBe('2028-03-01T00:00:00.000Z');
  });
});
