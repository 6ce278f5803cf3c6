import { describe, expect, it } from 'vitest';
import { toCsv } from '../../web/src/components/csv.js';
import { picoToDecimal, sumPico, toPico } from '../../web/src/components/decimal.js';
import { formatBucket, formatCount, formatMs, formatPercent, formatUsd, formatUsdShort } from '../../web/src/components/format.js';

describe('money and count formatting', () => {
  it('formats money with cents, and keeps sub-cent amounts visible', () => {
    expect(formatUsd('1234.5')).toBe('$1,234.50');
    expect(formatUsd('0.000042')).toBe('$0.000042');
    expect(formatUsd('0.0000084')).toBe('$0.0000084');
    expect(formatUsd('-0.0000084')).toBe('-$0.0000084');
    expect(formatUsd('0')).toBe('$0.00');
    expect(formatUsd(12_500_000_000_000n)).toBe('$12.50');
    expect(formatUsd(null)).toBe('—');
  });
  it('formats axis ticks short', () => {
    expect(formatUsdShort(1500)).toBe('$1.5K');
    expect(formatUsdShort(35)).toBe('$35');
    expect(formatUsdShort(0.42)).toBe('$0.42');
    expect(formatUsdShort(0.000045)).toBe('$0.000045');
    expect(formatUsdShort(0)).toBe('$0');
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
    const csv = toCsv([{ header: 'name', value: (r: { n: string; v: number }) => r.n }, { header: 'value', value: (r) => r.v }], [
      { n: 'a,b', v: 1 },
      { n: 'say "hi"', v: -2 },
      { n: '=cmd()', v: 3 },
    ]);
    expect(csv).toBe('name,value\r\n"a,b",1\r\n"say ""hi""",-2\r\n\'=cmd(),3\r\n');
  });
});
