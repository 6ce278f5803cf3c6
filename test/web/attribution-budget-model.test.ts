import { describe, expect, it } from 'vitest';
import { MAX_END_USER_LENGTH } from '../../shared/attribution-tags.js';
import {
  budgetUsage,
  EMPTY_BUDGET_FORM,
  formFromBudget,
  parseBudgetForm,
  periodWords,
} from '../../web/src/features/attribution-budgets/model/attribution-budget.js';

describe('tag and end-user budgets', () => {
  it('reads spend and holds against the limit exactly, and says when requests are refused', () => {
    const ok = budgetUsage({ budgetUsd: '4.5', spentUsd: '3.1', reservedUsd: '0', period: '2026-11' });
    expect(ok.state).toBe('ok');
    expect(ok.spentShare).toBeCloseTo(0.688888, 5);
    expect(ok.heldShare).toBe(0);
    expect(ok.text).toBe('$3.10 of $4.50 (68.9%) in Nov 2026');
    // Spend and holds together reach 80 %: the webhook's second threshold.
    const near = budgetUsage({ budgetUsd: '10', spentUsd: '7.5', reservedUsd: '0.5', period: 'total' });
    expect(near.state).toBe('near');
    expect(near.text).toBe('$7.50 of $10.00 (75.0%) in total · $0.50 held for requests');
    const over = budgetUsage({ budgetUsd: '1', spentUsd: '1.000000000001', reservedUsd: '0.3', period: 'total' });
    expect(over).toMatchObject({ state: 'over', spentShare: 1, heldShare: 0 });
    expect(over.text).toContain('refused (402)');
    expect(periodWords('2026-01')).toBe('in Jan 2026');
  });

  it('checks the form with the gateway’s tag rule and a positive amount; changing fills the form back', () => {
    expect(parseBudgetForm('p1', { scope: 'TAG', value: ' team:search ', budgetUsd: '25', budgetPeriod: 'MONTHLY' })).toEqual({
      ok: true,
      input: { projectId: 'p1', scope: 'TAG', value: 'team:search', budgetUsd: '25', budgetPeriod: 'MONTHLY' },
    });
    const bad = parseBudgetForm('p1', { scope: 'TAG', value: 'team support,x', budgetUsd: '0', budgetPeriod: 'TOTAL' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.value).toMatch(/characters/);
      expect(bad.errors.budgetUsd).toMatch(/positive/);
    }
    // An end user is free text (the gateway takes what the app sends), up to its length limit.
    expect(parseBudgetForm('p1', { ...EMPTY_BUDGET_FORM, scope: 'END_USER', value: 'user 42 <x>', budgetUsd: '1.5' }).ok).toBe(true);
    expect(
      parseBudgetForm('p1', { ...EMPTY_BUDGET_FORM, scope: 'END_USER', value: 'x'.repeat(MAX_END_USER_LENGTH + 1), budgetUsd: '1' }).ok,
    ).toBe(false);
    expect(parseBudgetForm('p1', { ...EMPTY_BUDGET_FORM, budgetUsd: '1e3', value: 'a' }).ok).toBe(false);
    expect(
      formFromBudget({
        id: 'b',
        projectId: 'p1',
        scope: 'END_USER',
        value: 'cust_1',
        budgetUsd: '12.500000000000',
        budgetPeriod: 'TOTAL',
        period: 'total',
        spentUsd: '0',
        reservedUsd: '0',
        updatedAt: '2026-11-30T00:00:00.000Z',
      }),
    ).toEqual({ scope: 'END_USER', value: 'cust_1', budgetUsd: '12.5', budgetPeriod: 'TOTAL' });
  });
});
