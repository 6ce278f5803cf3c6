import { describe, expect, it } from 'vitest';
import { roundedUpBudget } from '../../server/cli/demo-budgets.js';

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
});
