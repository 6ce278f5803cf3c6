import type { BudgetPeriod } from './domain.js';
import { utcMonthOf } from './utc-month.js';

/** The budget period a spend belongs to: the UTC month ("2026-11"), or the budget's lifetime ("total"). */
export function budgetPeriodKey(period: BudgetPeriod, now = new Date()): string {
  return period === 'TOTAL' ? 'total' : utcMonthOf(now);
}
