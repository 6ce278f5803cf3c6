import type { KeySource } from '../../../shared/domain.js';
import { applyRate } from '../../../shared/money.js';
import type { RequestRun } from '../request-run.js';
import { estimateTokens } from './estimate.js';
import { priceCall, type UnitPrices } from './pricing.js';
import type { BudgetRef } from './settlement-row.js';

/**
 * A request's write-ahead intent: what a usage record for it would say if the process died
 * before it settled. Written before the first upstream call, deleted by the statement that
 * writes the request's usage record; recovery turns a leftover into a record.
 */
export interface UsageIntent {
  requestId: string;
  organizationId: string;
  projectId: string;
  gatewayKeyId: string;
  provider: string | null;
  model: string;
  /** The front door the client used. */
  endpoint: string;
  keySource: KeySource | null;
  keyRef: string | null;
  streamed: boolean;
  /** Estimated from the request's text. */
  inputTokens: number;
  upstreamCostPico: bigint;
  billedCostPico: bigint;
  costKnown: boolean;
  unitPrices: UnitPrices | null;
  priceSource: string | null;
  /** Debited from credits on recovery: the billed cost when the request held credits, else 0. */
  debitPico: bigint;
  leaseId: string | null;
  budget: { budgets: readonly BudgetRef[]; reservedPico: bigint } | null;
  createdAt: Date;
}

/**
 * The intent of a run about to make its first upstream call (provider, key and prices of that
 * call are set). Its bill is the recovery policy: the estimated input at the request's upstream
 * price and billing rate — the platform paid the provider for at least the prompt — and no
 * output, which the client may never have received.
 */
export function usageIntent(run: RequestRun): UsageIntent {
  if (!run.organizationId || !run.projectId || !run.gatewayKeyId) throw new Error('An unauthenticated request has no intent');
  const inputTokens = estimateTokens(run.inputChars);
  const priced = run.prices ? priceCall({ inputTokens, cachedInputTokens: 0, outputTokens: 0 }, run.prices.rates) : null;
  const upstreamCostPico = priced?.costPico ?? 0n;
  const billedCostPico = applyRate(upstreamCostPico, run.billingRate);
  const credits = run.reservation?.credits ?? null;
  const budget = run.reservation?.budget ?? null;
  return {
    requestId: run.requestId,
    organizationId: run.organizationId,
    projectId: run.projectId,
    gatewayKeyId: run.gatewayKeyId,
    provider: run.provider,
    model: run.model,
    endpoint: run.frontDoor,
    keySource: run.keySource,
    keyRef: run.keyRef,
    streamed: run.stream,
    inputTokens,
    upstreamCostPico,
    billedCostPico,
    costKnown: run.prices !== null,
    unitPrices: priced?.unitPrices ?? null,
    priceSource: priced && run.prices ? run.prices.source : null,
    debitPico: run.creditDebit(billedCostPico),
    leaseId: credits?.lease.id ?? null,
    budget: budget ? { budgets: budget.budgets, reservedPico: budget.pico } : null,
    createdAt: new Date(run.startedAt),
  };
}
