/**
 * What a call costs upstream, from per-1M-token rates and token counts, in integer pico-USD
 * (shared/money.ts holds the pico-USD arithmetic itself). Rates arrive as the price data's
 * numbers or an operator's decimal strings; each is read exactly through its decimal text, and
 * token counts are never multiplied by a float.
 */

import { boundedMemo } from '../../../shared/bounded-memo.js';
import type { TieredRate } from '../../../shared/catalog/price-data.js';
import { picoToDecimal, toPico } from '../../../shared/money.js';

/** A call's token counts, as the usage record keeps them. */
export interface TokenCounts {
  /** Every input token: uncached, cache reads and cache writes (5-minute and 1-hour). */
  inputTokens: number;
  /** Input tokens read from the provider's prompt cache. */
  cachedInputTokens: number;
  /** Input tokens written to a 5-minute prompt cache (or the provider's only kind). */
  cacheWriteTokens?: number;
  /** Input tokens written to a 1-hour prompt cache. */
  cacheWrite1hTokens?: number;
  /** Every output token, reasoning included (reasoning is billed as output). */
  outputTokens: number;
  /** Server-side web searches the provider ran for the call (billed per 1,000, not per token). */
  webSearches?: number;
}

/** The rates a call was billed at, USD per 1M tokens as decimal text, long-context tier resolved. */
export interface UnitPrices {
  input: string;
  cachedInput: string;
  cacheWrite: string;
  cacheWrite1h: string;
  output: string;
  /** USD per 1,000 web searches: present when the call ran searches and they have a price. */
  webSearch?: string;
}

export interface PricedCall {
  costPico: bigint;
  unitPrices: UnitPrices;
}

const TOKENS_PER_RATE = 1_000_000n;
/** A per-1,000 rate on the per-1M scale the sum is divided by. */
const SEARCHES_PER_RATE_SCALE = TOKENS_PER_RATE / 1_000n;

/** A rate's exact decimal text and its pico-USD value per 1M tokens. */
interface ExactRate {
  text: string;
  pico: bigint;
}

/**
 * A rate's decimal text — a number's shortest exact form ("2.5", "0.075"), or an operator's
 * string as given — and its value. Read once per rate: every call is priced up to three times
 * (hold, intent, settlement) from a fixed catalog, and reading the text each time took a few
 * percent of the gateway's CPU.
 */
const exactRate = boundedMemo((rate: number | string): ExactRate => {
  const text = typeof rate === 'string' ? rate : picoToDecimal(toPico(rate)).replace(/\.?0+$/, '');
  return { text, pico: toPico(text) };
});

/**
 * The rate in force for a call with `totalInput` input tokens: the highest tier whose start
 * the total exceeds (providers bill the whole request at the tier once the prompt is past it).
 */
function tierRate(rate: Rate, totalInput: number): number | string {
  if (typeof rate !== 'object') return rate;
  let applied = rate.base;
  for (const tier of [...rate.tiers].sort((a, b) => a.start - b.start)) if (totalInput > tier.start) applied = tier.price;
  return applied;
}

/** A rate per 1M tokens: the price data's number (maybe tiered), or an operator's decimal string. */
type Rate = TieredRate | string;

/** Rates as the price data writes them, or as an operator set them; null where there is none. */
export interface BillingRates {
  input: Rate;
  cachedInput: Rate | null;
  cacheWrite: Rate | null;
  cacheWrite1h: Rate | null;
  output: Rate;
  /** USD per 1,000 web searches (not per token, never tiered); null: searches have no price. */
  webSearch: number | string | null;
}

/**
 * Upstream cost of a call, exact to the pico-dollar, and the unit prices it applied. Cache reads
 * fall back to the input rate, 5-minute writes to the input rate, 1-hour writes to the 5-minute
 * rate; one long-context tier (chosen by all input tokens) applies to every kind of token.
 */
export function priceCall(tokens: TokenCounts, rates: BillingRates): PricedCall {
  const cacheWrite = Math.max(0, tokens.cacheWriteTokens ?? 0);
  const cacheWrite1h = Math.max(0, tokens.cacheWrite1hTokens ?? 0);
  const inputTokens = Math.max(tokens.inputTokens, 0);
  const cached = Math.min(Math.max(tokens.cachedInputTokens, 0), inputTokens);
  const writes = Math.min(cacheWrite + cacheWrite1h, inputTokens - cached);
  const writes1h = Math.min(cacheWrite1h, writes);
  const uncached = inputTokens - cached - writes;

  const at = (rate: Rate) => exactRate(tierRate(rate, inputTokens));
  const input = at(rates.input);
  const cachedInput = rates.cachedInput === null ? input : at(rates.cachedInput);
  const cacheWrite5m = rates.cacheWrite === null ? input : at(rates.cacheWrite);
  const cacheWrite1hRate = rates.cacheWrite1h === null ? cacheWrite5m : at(rates.cacheWrite1h);
  const output = at(rates.output);
  const unitPrices: UnitPrices = {
    input: input.text,
    cachedInput: cachedInput.text,
    cacheWrite: cacheWrite5m.text,
    cacheWrite1h: cacheWrite1hRate.text,
    output: output.text,
  };
  // Σ tokens × pico-USD per 1M tokens, divided by 1M once at the end (rounded half up): exact for
  // any rate with up to twelve decimals, however many tokens.
  let perMillion =
    BigInt(uncached) * input.pico +
    BigInt(cached) * cachedInput.pico +
    BigInt(writes - writes1h) * cacheWrite5m.pico +
    BigInt(writes1h) * cacheWrite1hRate.pico +
    BigInt(Math.max(tokens.outputTokens, 0)) * output.pico;
  // Searches at a rate per 1,000: × 1,000 on the per-1M scale.
  const searches = Math.max(tokens.webSearches ?? 0, 0);
  if (searches > 0 && rates.webSearch !== null) {
    const search = exactRate(rates.webSearch);
    unitPrices.webSearch = search.text;
    perMillion += BigInt(searches) * search.pico * SEARCHES_PER_RATE_SCALE;
  }
  return { costPico: (perMillion + TOKENS_PER_RATE / 2n) / TOKENS_PER_RATE, unitPrices };
}

/** Upstream cost of a call, in pico-USD (see `priceCall`). */
export function upstreamCostPico(tokens: TokenCounts, price: { rates: BillingRates }): bigint {
  return priceCall(tokens, price.rates).costPico;
}
