import { describe, expect, it } from 'vitest';
import { picoToDecimal, sumPico, toPico } from '../../shared/money.js';
import { axisScale } from '../../web/src/components/chart-axis.js';
import { toCsv } from '../../web/src/components/csv.js';
import {
  decimalsFor,
  formatBucket,
  formatCount,
  formatMs,
  formatPercent,
  formatPercentTick,
  formatUsd,
  formatUsdTick,
} from '../../web/src/components/format.js';
import { niceStep, niceTicks } from '../../web/src/components/nice-ticks.js';

describe('money and count formatting', () => {
  it('has one money rule: cents from $1, up to four significant digits (at least cents) below', () => {
    expect(formatUsd('1234.5')).toBe('$1,234.50');
    expect(formatUsd('499.4412')).toBe('$499.44');
    expect(formatUsd('1')).toBe('$1.00');
    expect(formatUsd('0.5')).toBe('$0.50');
    expect(formatUsd('0.123456')).toBe('$0.1235');
    expect(formatUsd('0.005588')).toBe('$0.005588');
    expect(formatUsd('0.00558849')).toBe('$0.005588');
    expect(formatUsd('0.000042')).toBe('$0.000042');
    expect(formatUsd('0.0000084')).toBe('$0.0000084');
    expect(formatUsd('-0.0000084')).toBe('-$0.0000084');
    expect(formatUsd('-12.345')).toBe('-$12.35');
    expect(formatUsd('0')).toBe('$0.00');
    expect(formatUsd(12_500_000_000_000n)).toBe('$12.50');
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd(Number.NaN)).toBe('—');
  });
  it('shows exact figures where neighbours differ by less than a cent (ledger, tooltips)', () => {
    expect(formatUsd('499.441234', 'exact')).toBe('$499.441234');
    expect(formatUsd('499.439876', 'exact')).not.toBe(formatUsd('499.441234', 'exact'));
    expect(formatUsd('1234567.5', 'exact')).toBe('$1,234,567.50');
    expect(formatUsd('0.000000000003', 'exact')).toBe('$0.000000000003');
    expect(formatUsd('-2.5', 'exact')).toBe('-$2.50');
    expect(formatUsd(0.1 + 0.2, 'exact')).toBe('$0.30');
  });
  it('labels axis ticks with just the decimals the step needs', () => {
    expect(decimalsFor(0.01)).toBe(2);
    expect(decimalsFor(0.025)).toBe(3);
    expect(decimalsFor(2.5)).toBe(1);
    expect(decimalsFor(50)).toBe(0);
    expect(formatUsdTick(0.02, 0.01)).toBe('$0.02');
    expect(formatUsdTick(0, 0.01)).toBe('$0.00');
    expect(formatUsdTick(1500, 500)).toBe('$1.5K');
    expect(formatUsdTick(35, 5)).toBe('$35');
    expect(formatPercentTick(0.05, 0.05)).toBe('5%');
    expect(formatPercentTick(0.025, 0.025)).toBe('2.5%');
  });
  it('formats counts, ratios, durations and buckets', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatPercent(1 / 6)).toBe('16.7%');
    expect(formatPercent(null)).toBe('—');
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatBucket('2025-03-04T13:00:00.000Z', 'HOUR')).toBe('Mar 4 13:00');
    expect(formatBucket('2025-03-04T00:00:00.000Z', 'DAY')).toBe('Mar 4');
    expect(formatBucket('2025-03-01T00:00:00.000Z', 'MONTH')).toBe('Mar 2025');
  });
});

describe('exact decimals', () => {
  it('sums without float drift', () => {
    expect(picoToDecimal(sumPico(['0.1', '0.2']), 2)).toBe('0.30');
    expect(picoToDecimal(sumPico(['0.000000000001', '0.000000000002']))).toBe('0.000000000003');
    expect(toPico('1e-7')).toBe(100_000n);
    expect(toPico('-2.5')).toBe(-2_500_000_000_000n);
    expect(picoToDecimal(toPico('1.0000005'), 6)).toBe('1.000001');
    expect(picoToDecimal(-toPico('0.0000001'), 6)).toBe('0.000000');
  });
});

describe('CSV', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    const csv = toCsv(
      [
        { header: 'name', value: (r: { n: string; v: number }) => r.n },
        { header: 'value', value: (r) => r.v },
      ],
      [
        { n: 'a,b', v: 1 },
        { n: 'say "hi"', v: -2 },
        { n: '=cmd()', v: 3 },
      ],
    );
    expect(csv).toBe('name,value\r\n"a,b",1\r\n"say ""hi""",-2\r\n\'=cmd(),3\r\n');
  });
});

describe('nice ticks', () => {
  const isRound = (step: number) => {
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    return [1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-9);
  };
  it('steps by 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0.034, 4)).toBe(0.01);
    expect(niceStep(0.13, 4)).toBe(0.05);
    expect(niceStep(220, 4)).toBe(100);
    expect(niceStep(9, 4)).toBe(2.5);
    for (const span of [0.00042, 0.0085, 0.017, 0.43, 3.7, 61, 999, 12_345]) expect(isRound(niceStep(span, 4)), String(span)).toBe(true);
  });
  it('covers the data from zero with round ticks (never $0.0085 / $0.017 or 6.5% / 13.0%)', () => {
    expect(niceTicks([0.0061, 0.034, 0.012])).toEqual({ domain: [0, 0.04], ticks: [0, 0.01, 0.02, 0.03, 0.04], step: 0.01 });
    expect(niceTicks([0.1, 0.2, 0.3]).ticks).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks([0.026]).ticks.map((t) => formatUsdTick(t, 0.01))).toEqual(['$0.00', '$0.01', '$0.02', '$0.03']);
    expect(niceTicks([-0.012, 0.03]).domain).toEqual([-0.02, 0.04]);
  });
  it('keeps all-zero data on a small positive axis, and a ratio axis within 100 %', () => {
    expect(niceTicks([0, 0]).domain).toEqual([0, 1]);
    const rate = axisScale('percent', [0, 0, 0]);
    expect(rate.domain[1]).toBeLessThanOrEqual(1);
    expect(rate.ticks.map(rate.format).at(-1)).not.toBe('400%');
    const errors = axisScale('percent', [0.02, 0.098, 0.05]);
    expect(errors.domain).toEqual([0, 0.1]);
    expect(errors.ticks.map(errors.format)).toEqual(['0.0%', '2.5%', '5.0%', '7.5%', '10.0%']);
    expect(axisScale('percent', [0.4, 3]).domain).toEqual([0, 1]);
  });
  it('counts step by whole numbers', () => {
    const requests = axisScale('count', [3, 1]);
    expect(requests.ticks.every((t) => Number.isInteger(t))).toBe(true);
    expect(axisScale('count', [213]).ticks).toEqual([0, 100, 200, 300]);
  });
});
