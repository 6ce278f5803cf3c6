import { type TokenPrices, upstreamCostPico } from './pricing.js';

/** Ceiling on output when the request sets none: enough for a long answer, bounded for reservations. */
const DEFAULT_MAX_OUTPUT = 4_096;

/** Tokens from characters: ~4 per token in English; 3 keeps reservations on the safe side. */
export const estimateTokens = (chars: number, charsPerToken = 4) => Math.ceil(chars / charsPerToken);

/** The most a call can cost upstream, for reservations before it is made. */
export function worstCaseCostPico(inputChars: number, maxOutputTokens: number | null, modelMaxOutput: number | null, prices: TokenPrices | null): bigint {
  if (!prices) return 0n;
  const output = maxOutputTokens ?? Math.min(modelMaxOutput ?? DEFAULT_MAX_OUTPUT, DEFAULT_MAX_OUTPUT);
  return upstreamCostPico({ inputTokens: estimateTokens(inputChars, 3), cachedInputTokens: 0, outputTokens: output }, prices);
}

/** The budget period a spend belongs to: the UTC month, or the key's lifetime. */
export function budgetPeriodKey(period: 'MONTHLY' | 'TOTAL', now = new Date()): string {
  return period === 'TOTAL' ? 'total' : now.toISOString().slice(0, 7);
}
