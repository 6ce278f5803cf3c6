import { describe, expect, it } from 'vitest';
import { roundedUpBudget, sizingSpendPico } from '../../server/cli/demo-budgets.js';

describe('demo budget sizes', () => {
  it('round up to two significant digits, at least a cent, so the spend reads at most the share asked for', () => {
    expect(roundedUpBudget(3.4172)).toBe('3.5');
    expect(roundedUpBudget(0.1557)).toBe('0.16');
    expect(roundedUpBudget(148.2)).toBe('150');
    expect(roundedUpBudget(1)).toBe('1');
    expect(roundedUpBudget(100)).toBe('100');
    expect(roundedUpBudget(0.0421)).toBe('0.043');
    expect(roundedUpBudget(0)).toBe('0.01');
    expect(roundedUpBudget(Number.NaN)).toBe('0.01');
  });

  it("are sized from the current period's spend, or the whole demo's when the month has only just begun", () => {
    const usage = [
      { createdAt: new Date('2026-11-10T12:00:00Z'), billedCostPico: 3_000n },
      { createdAt: new Date('2026-11-30T23:50:00Z'), billedCostPico: 4_000n },
      { createdAt: new Date('2026-12-01T00:01:00Z'), billedCostPico: 5_000n },
    ];
    expect(sizingSpendPico(usage, 'MONTHLY', new Date('2026-12-01T09:00:00Z'))).toBe(5_000n);
    // Seeded minutes after midnight on the 1st: nothing of the demo's is in December yet.
    expect(sizingSpendPico(usage.slice(0, 2), 'MONTHLY', new Date('2026-12-01T00:05:00Z'))).toBe(7_000n);
    expect(sizingSpendPico(usage.slice(0, 2), 'MONTHLY', new Date('2026-11-30T23:55:00Z'))).toBe(7_000n);
    expect(sizingSpendPico(usage.slice(0, 1), 'MONTHLY', new Date('2026-11-30T23:55:00Z'))).toBe(3_000n);
    expect(sizingSpendPico(usage, 'TOTAL', new Date('2026-12-01T00:05:00Z'))).toBe(12_000n);
    expect(sizingSpendPico([], 'MONTHLY', new Date('2026-12-01T00:05:00Z'))).toBe(0n);
  });
});
