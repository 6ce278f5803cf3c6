import { budgetPeriodKey } from '../../shared/budget-period.js';
import type { AttributionScope, BudgetPeriod } from '../../shared/domain.js';
import { PICO_PER_USD, picoToDecimal } from '../../shared/money.js';
import type { PrismaClient } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import type { Services } from '../domain/services.js';
import type { BudgetRef } from '../gateway/billing/settlement-row.js';
import type { DemoUsage } from './demo-usage.js';

/** A tag or end-user budget the demo sets on one of its projects. */
export interface DemoBudget {
  projectId: string;
  scope: AttributionScope;
  value: string;
  budgetPeriod: BudgetPeriod;
  /** The share of the budget the demo's traffic has spent in its current period (0.7 → 70 %). */
  spentShare: number;
}

/**
 * What a budget is sized from: its traffic's spend in the current period, or, in a month that has
 * only just begun (seeded on the 1st, before any of the demo's records fall in it), the whole
 * demo's — about a month of traffic — so the budget reads a plausible amount, not a cent.
 */
export function sizingSpendPico(
  covered: readonly Pick<DemoUsage, 'createdAt' | 'billedCostPico'>[],
  period: BudgetPeriod,
  now: Date,
): bigint {
  const current = budgetPeriodKey(period, now);
  let inPeriod = 0n;
  let all = 0n;
  for (const usage of covered) {
    all += usage.billedCostPico;
    if (budgetPeriodKey(period, usage.createdAt) === current) inPeriod += usage.billedCostPico;
  }
  return inPeriod > 0n ? inPeriod : all;
}

/**
 * Set the demo's attribution budgets (through the service, so they are audited like an admin's)
 * and return the usage with each record's budget spend attached, as the gateway would have held
 * and settled it: the billing store then moves that spend in the same statement as the rest.
 * Each budget is sized from what its traffic spent in the current period, so its progress reads
 * `spentShare` (rounded up to a price a person would set) whatever the record count, and from the
 * whole demo's traffic when the month has only just begun (see sizingSpendPico).
 */
export async function seedDemoBudgets(
  services: Services,
  prisma: PrismaClient,
  operator: Actor,
  budgets: readonly DemoBudget[],
  usage: readonly DemoUsage[],
  now: Date,
): Promise<DemoUsage[]> {
  const refsByRequest = new Map<string, BudgetRef[]>();
  for (const budget of budgets) {
    const covered = usage.filter((u) => u.projectId === budget.projectId && fallsUnder(u, budget));
    const budgetUsd = roundedUpBudget(
      Number(sizingSpendPico(covered, budget.budgetPeriod, now)) / Number(PICO_PER_USD) / budget.spentShare,
    );
    const saved = await services.attributionBudgets.set(operator, {
      projectId: budget.projectId,
      scope: budget.scope,
      value: budget.value,
      budgetUsd,
      budgetPeriod: budget.budgetPeriod,
    });
    // The spend rows a first hold in each period creates; settlement adds the records' spend to them.
    const periods = new Set(covered.map((u) => budgetPeriodKey(budget.budgetPeriod, u.createdAt)));
    await prisma.budgetSpend.createMany({
      data: [...periods].map((period) => ({ budgetId: saved.id, period, limitUsd: budgetUsd })),
      skipDuplicates: true,
    });
    for (const u of covered) {
      const refs = refsByRequest.get(u.requestId) ?? [];
      refs.push({ budgetId: saved.id, period: budgetPeriodKey(budget.budgetPeriod, u.createdAt) });
      refsByRequest.set(u.requestId, refs);
    }
  }
  return usage.map((u) => {
    const refs = refsByRequest.get(u.requestId);
    return refs ? { ...u, budget: { budgets: refs, leaseIds: [], reservedPico: 0n, spentPico: u.billedCostPico } } : u;
  });
}

function fallsUnder(usage: DemoUsage, budget: DemoBudget): boolean {
  return budget.scope === 'TAG' ? usage.tags.includes(budget.value) : usage.endUser === budget.value;
}

/** Two significant digits, rounded up, at least a cent: 3.4172 → "3.5", 0.1557 → "0.16", 148.2 → "150". */
export function roundedUpBudget(usd: number): string {
  if (!(usd > 0.01)) return '0.01';
  const exponent = Math.floor(Math.log10(usd)) - 1;
  const units = Math.ceil(usd / 10 ** exponent - 1e-9);
  return picoToDecimal(BigInt(units) * 10n ** BigInt(12 + exponent), 6).replace(/\.?0+$/, '');
}
