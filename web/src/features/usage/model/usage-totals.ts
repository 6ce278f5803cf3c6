import { picoToNumber, sumPico, toPico } from '../../../../../shared/money.js';
import type { UsageGroupFieldsFragment as UsageGroup } from '../../../graphql/generated.js';

export type { UsageGroup };

/**
 * Money terms used across the analytics pages:
 * - upstream cost: what providers charged for every call, whoever's key served it;
 * - platform cost: the part of it the platform paid — calls served by platform keys
 *   (key source hosted or env). BYOK and user-header calls were paid by the organization;
 * - margin: billed − platform cost. (billed − upstream would count the organizations' own
 *   provider bills against the platform.)
 */
export const PLATFORM_COST_HINT = 'Platform cost: upstream cost of calls served by hosted/env keys';
export const MARGIN_HINT = 'margin = billed − platform cost';

export interface UsageTotals {
  requests: number;
  failures: number;
  cancelled: number;
  inputTokens: number;
  outputTokens: number;
  /** every call's upstream cost, including calls paid with the organization's own key */
  upstreamPico: bigint;
  /** upstream cost of calls served by platform keys (hosted/env) */
  platformPico: bigint;
  billedPico: bigint;
  /** failures / requests; null with no requests */
  errorRate: number | null;
  /** billed − platform cost */
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
  const platformPico = sumPico(groups.map((g) => g.platformCostUsd));
  const billedPico = sumPico(groups.map((g) => g.billedCostUsd));
  return {
    requests,
    failures,
    cancelled,
    inputTokens,
    outputTokens,
    upstreamPico,
    platformPico,
    billedPico,
    errorRate: requests ? failures / requests : null,
    marginPico: billedPico - platformPico,
    marginRate: marginRate(platformPico, billedPico),
  };
}

/** (billed − platform cost) / billed; null when nothing was billed. */
export function marginRate(platformPico: bigint, billedPico: bigint): number | null {
  if (billedPico === 0n) return null;
  return picoToNumber(billedPico - platformPico) / picoToNumber(billedPico);
}

export const money = (value: string): number => picoToNumber(toPico(value));
