import type { AttributionScope, BudgetPeriod } from '../../../shared/domain.js';
import { budgetPeriodKey } from './estimate.js';

/** One budget a request falls under: its gateway key's, or a tag's or end user's in its project. */
export interface BudgetLimit {
  /** BudgetSpend.budgetId: the gateway key's id, or the AttributionBudget's. */
  budgetId: string;
  /** "YYYY-MM" or "total" (budgetPeriodKey). */
  period: string;
  /** The budget, decimal USD. */
  limitUsd: string;
}

/** A tag's or end user's budget in a project, as the gateway caches it with the gateway key. */
export interface AttributionBudgetRule {
  id: string;
  scope: AttributionScope;
  /** The tag ("team:a") or the end user. */
  value: string;
  budgetUsd: string;
  budgetPeriod: BudgetPeriod;
}

/** A budget a request falls under, with what a 402 says when it is spent. */
export interface RequestBudget extends BudgetLimit {
  refusal: string;
}

/** What the budget holder needs: the key's own budget and its project's attribution budgets. */
export interface BudgetOwner {
  gatewayKeyId: string;
  budgetUsd: string | null;
  budgetPeriod: BudgetPeriod | null;
  attributionBudgets: readonly AttributionBudgetRule[];
}

const usd = (value: string) => `$${Number(value)}`;
const quoted = (value: string) => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);

/**
 * The budgets a request is held against: its gateway key's, each of its tags' and its end
 * user's in the project (the one home of that rule). Only the caller's own key, tags and end
 * user are named in a refusal: nothing of another project or organization.
 */
export function requestBudgets(owner: BudgetOwner, tags: readonly string[], endUser: string | null, now = new Date()): RequestBudget[] {
  const budgets: RequestBudget[] = [];
  if (owner.budgetUsd !== null && owner.budgetPeriod !== null) {
    budgets.push({
      budgetId: owner.gatewayKeyId,
      period: budgetPeriodKey(owner.budgetPeriod, now),
      limitUsd: owner.budgetUsd,
      refusal: `This gateway key has spent its ${owner.budgetPeriod.toLowerCase()} budget of ${usd(owner.budgetUsd)}`,
    });
  }
  if (owner.attributionBudgets.length === 0) return budgets;
  const tagSet = new Set(tags);
  for (const rule of owner.attributionBudgets) {
    const applies = rule.scope === 'TAG' ? tagSet.has(rule.value) : rule.value === endUser;
    if (!applies) continue;
    const who = rule.scope === 'TAG' ? `The tag ${quoted(rule.value)}` : `The end user ${quoted(rule.value)}`;
    budgets.push({
      budgetId: rule.id,
      period: budgetPeriodKey(rule.budgetPeriod, now),
      limitUsd: rule.budgetUsd,
      refusal: `${who} has spent its ${rule.budgetPeriod.toLowerCase()} budget of ${usd(rule.budgetUsd)} in this project`,
    });
  }
  return budgets;
}
