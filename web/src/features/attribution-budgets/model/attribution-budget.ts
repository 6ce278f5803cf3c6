/** Tag and end-user budgets: how one reads (spend, held, limit) and the form that sets one (pure; tested in test/web/attribution-budget-model.test.ts). */
import { MAX_END_USER_LENGTH, tagRuleBroken } from '../../../../../shared/attribution-tags.js';
import { picoToDecimal, toPico } from '../../../../../shared/money.js';
import { formatPercent, formatUsd } from '../../../components/format.js';
import type { AttributionBudgetFieldsFragment, SetAttributionBudgetInput } from '../../../graphql/generated.js';

export type AttributionBudget = AttributionBudgetFieldsFragment;
export type BudgetScope = AttributionBudget['scope'];
export type BudgetPeriodValue = AttributionBudget['budgetPeriod'];

export const SCOPE_LABELS: Record<BudgetScope, string> = { TAG: 'Tag', END_USER: 'End user' };

/** Where a budget stands: ok, near its limit (80 % spent or held: the webhook's second threshold), or spent. */
export type BudgetState = 'ok' | 'near' | 'over';

export interface BudgetUsage {
  /** 0–1 of the bar, each */
  spentShare: number;
  heldShare: number;
  state: BudgetState;
  /** "$3.10 of $4.50 (68.9 %) in Nov 2026 · $0.02 held for requests" */
  text: string;
}

export function budgetUsage(budget: Pick<AttributionBudget, 'budgetUsd' | 'spentUsd' | 'reservedUsd' | 'period'>): BudgetUsage {
  const limit = toPico(budget.budgetUsd);
  const spent = toPico(budget.spentUsd);
  const held = toPico(budget.reservedUsd);
  // Shares from exact pico amounts, rounded only for the bar (parts per million).
  const share = (part: bigint) => (limit > 0n ? Number((part * 1_000_000n) / limit) / 1_000_000 : 1);
  const spentShare = Math.min(1, share(spent));
  const heldShare = Math.min(1 - spentShare, share(held));
  const state: BudgetState = spent >= limit ? 'over' : (spent + held) * 5n >= limit * 4n ? 'near' : 'ok';
  const text = [
    `${formatUsd(spent)} of ${formatUsd(limit)} (${formatPercent(share(spent))}) ${periodWords(budget.period)}`,
    ...(held > 0n ? [`${formatUsd(held)} held for requests`] : []),
    ...(state === 'over' ? ['requests under it are refused (402)'] : []),
  ].join(' · ');
  return { spentShare, heldShare, state, text };
}

/** "2026-11" → "in Nov 2026"; "total" → "in total". */
export function periodWords(period: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return 'in total';
  const month = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `in ${month} ${match[1]}`;
}

export interface BudgetFormValues {
  scope: BudgetScope;
  value: string;
  budgetUsd: string;
  budgetPeriod: BudgetPeriodValue;
}

export const EMPTY_BUDGET_FORM: BudgetFormValues = { scope: 'TAG', value: '', budgetUsd: '', budgetPeriod: 'MONTHLY' };

export type BudgetFormErrors = Partial<Record<'value' | 'budgetUsd' | 'form', string>>;

/** Quick checks before the API's own; the tag rule is the gateway's (shared/attribution-tags.ts). */
export function parseBudgetForm(
  projectId: string,
  values: BudgetFormValues,
): { ok: true; input: SetAttributionBudgetInput } | { ok: false; errors: BudgetFormErrors } {
  const errors: BudgetFormErrors = {};
  const value = values.value.trim();
  if (value === '') errors.value = values.scope === 'TAG' ? 'Enter a tag, like team:search' : 'Enter the end user, as your app sends it';
  else if (values.scope === 'TAG') {
    const broken = tagRuleBroken(value);
    if (broken) errors.value = `A tag: ${broken}`;
  } else if (value.length > MAX_END_USER_LENGTH) errors.value = `At most ${MAX_END_USER_LENGTH} characters`;
  const amount = values.budgetUsd.trim();
  if (!/^\d+(\.\d{1,6})?$/.test(amount) || toPico(amount) <= 0n) errors.budgetUsd = 'A positive amount in USD, like 25 or 12.50';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: { projectId, scope: values.scope, value, budgetUsd: amount, budgetPeriod: values.budgetPeriod },
  };
}

/** The form filled from a budget, to change its amount or period (set again: its spend stays). */
export function formFromBudget(budget: AttributionBudget): BudgetFormValues {
  return {
    scope: budget.scope,
    value: budget.value,
    budgetUsd: picoToDecimal(toPico(budget.budgetUsd), 6).replace(/\.?0+$/, ''),
    budgetPeriod: budget.budgetPeriod,
  };
}
