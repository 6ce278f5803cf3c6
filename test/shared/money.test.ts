import { describe, expect, it } from 'vitest';
import { applyRate, PICO_PER_USD, parseRate, picoToDecimal, picoToNumber, sumPico, toPico } from '../../shared/money.js';

describe('toPico: decimal USD → pico-USD', () => {
  it('reads plain, signed, leading-dot and trailing-dot decimals', () => {
    expect(toPico('12.5')).toBe(12_500_000_000_000n);
    expect(toPico(' 1 ')).toBe(PICO_PER_USD);
    expect(toPico('-2.5')).toBe(-2_500_000_000_000n);
    expect(toPico('+0.5')).toBe(500_000_000_000n);
    expect(toPico('.25')).toBe(250_000_000_000n);
    expect(toPico('-.000000000001')).toBe(-1n);
    expect(toPico('3.')).toBe(3n * PICO_PER_USD);
  });
  it('drops digits past the twelfth, toward zero', () => {
    expect(toPico('0.0000000000019')).toBe(1n);
    expect(toPico('-0.0000000000019')).toBe(-1n);
  });
  it('reads exponents, numbers and Decimal-like values', () => {
    expect(toPico('1e-7')).toBe(100_000n);
    expect(toPico('2.5E3')).toBe(2_500n * PICO_PER_USD);
    expect(toPico(0.1)).toBe(100_000_000_000n);
    expect(toPico({ toFixed: (digits: number) => (1e-7).toFixed(digits) })).toBe(100_000n);
  });
  it('keeps huge values exact', () => {
    expect(toPico('999999999999.999999999999')).toBe(999_999_999_999_999_999_999_999n);
    expect(picoToDecimal(toPico('123456789012345678901234567890.000000000001'))).toBe('123456789012345678901234567890.000000000001');
  });
  it('counts missing values as zero and refuses anything else', () => {
    expect(toPico(null)).toBe(0n);
    expect(toPico(undefined)).toBe(0n);
    expect(toPico('')).toBe(0n);
    for (const bad of ['abc', '.', '-', '1.2.3', '1,5', '$1']) expect(() => toPico(bad), bad).toThrow(/Not a decimal amount/);
    expect(() => toPico(Number.NaN)).toThrow(/Not a decimal amount/);
    expect(() => toPico(Number.POSITIVE_INFINITY)).toThrow(/Not a decimal amount/);
  });
});

describe('picoToDecimal: pico-USD → decimal text', () => {
  it('prints the twelve digits the database stores', () => {
    expect(picoToDecimal(1_500_000n)).toBe('0.000001500000');
    expect(picoToDecimal(0n)).toBe('0.000000000000');
    expect(picoToDecimal(-1n)).toBe('-0.000000000001');
    expect(picoToDecimal(12n * PICO_PER_USD)).toBe('12.000000000000');
  });
  it('prints every digit count 0–12 of large and small amounts, and refuses others', () => {
    const amount = toPico('98765.432109876543');
    expect([0, 1, 6, 11, 12].map((digits) => picoToDecimal(amount, digits))).toEqual([
      '98765',
      '98765.4',
      '98765.432110',
      '98765.43210987654',
      '98765.432109876543',
    ]);
    expect(picoToDecimal(-7n, 11)).toBe('-0.00000000001');
    expect(picoToDecimal(-4n, 11)).toBe('0.00000000000');
    for (const digits of [-1, 13, 1.5]) expect(() => picoToDecimal(1n, digits), String(digits)).toThrow(RangeError);
  });
  it('rounds half away from zero to fewer digits, never printing -0', () => {
    expect(picoToDecimal(toPico('1.0000005'), 6)).toBe('1.000001');
    expect(picoToDecimal(toPico('1.0000004999'), 6)).toBe('1.000000');
    expect(picoToDecimal(toPico('-1.0000005'), 6)).toBe('-1.000001');
    expect(picoToDecimal(toPico('-0.0000001'), 6)).toBe('0.000000');
    expect(picoToDecimal(toPico('2.5'), 0)).toBe('3');
    expect(picoToDecimal(toPico('0.005'), 2)).toBe('0.01');
  });
  it('round-trips huge values', () => {
    const huge = 10n ** 40n + 7n;
    expect(toPico(picoToDecimal(huge))).toBe(huge);
    expect(toPico(picoToDecimal(-huge))).toBe(-huge);
  });
});

describe('sums and chart numbers', () => {
  it('sums without float drift', () => {
    expect(picoToDecimal(sumPico(['0.1', '0.2']), 2)).toBe('0.30');
    expect(sumPico(['0.000000000001', null, undefined, '', '-0.000000000001', '0.000000000002'])).toBe(2n);
  });
  it('turns pico-USD into USD numbers for charts only', () => {
    expect(picoToNumber(12_500_000_000_000n)).toBe(12.5);
    expect(picoToNumber(-1_000_000n)).toBe(-0.000001);
  });
});

describe('rates', () => {
  it('parses rates exactly to nine decimal places', () => {
    expect(parseRate('1.25')).toBe(1_250_000_000n);
    expect(parseRate('0')).toBe(0n);
    expect(parseRate('0.0000000019')).toBe(1n);
    for (const bad of ['-1', '1e3', 'x', '']) expect(() => parseRate(bad), bad).toThrow(/Not a decimal rate/);
  });
  it('multiplies an amount by a rate, rounding half up', () => {
    expect(applyRate(1_000_000n, '1.2')).toBe(1_200_000n);
    expect(applyRate(3n, '0.5')).toBe(2n);
    expect(applyRate(1n, '0.4')).toBe(0n);
    expect(applyRate(-3n, '0.5')).toBe(-2n);
    expect(applyRate(7n, '0')).toBe(0n);
    expect(applyRate(10n ** 30n, '1.000000001')).toBe(10n ** 30n + 10n ** 21n);
  });
});
