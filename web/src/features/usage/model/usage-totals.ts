import { picoToNumber, sumPico, toPico } from '../../../components/decimal.js';
import type { UsageGroupFieldsFragment as UsageGroup } from '../../../graphql/generated.js';

export type { UsageGroup };

export interface UsageTotals {
  requests: number;
  failures: number;
  cancelled: number;
  inputTokens: number;
  outputTokens: number;
  upstreamPico: bigint;
  billedPico: bigint;
  /** failures / requests; null with no requests */
  errorRate: number | null;
  /** billed − upstream */
  marginPico: bigint;
  /** margin / billed; null when nothing was billed */
  marginRate: number | null;
}

export function totalsOf(groups: readonly UsageGroup[]): UsageTotals {
  let requests = 0;
  let failures = 0;
  let cancelled = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const group of groups) {
    requests += group.requests;
    failures += group.failures;
    cancelled += group.cancelled;
    inputTokens += group.inputTokens;
    outputTokens += group.outputTokens;
  }
  const upstreamPico = sumPico(groups.map((g) => g.upstreamCostUsd));
  const billedPico = sumPico(groups.map((g) => g.billedCostUsd));
  return {
    requests,
    failures,
    cancelled,
    inputTokens,
    outputTokens,
    upstreamPico,
    billedPico,
    errorRate: requests ? failures / requests : null,
    marginPico: billedPico - upstreamPico,
    marginRate: marginRate(upstreamPico, billedPico),
  };
}

export function marginRate(upstreamPico: bigint, billedPico: bigint): number | null {
  if (billedPico === 0n) return null;
  return picoToNumber(billedPico - upstreamPico) / picoToNumber(billedPico);
}

export const money = (value: string): number => picoToNumber(toPico(value));
