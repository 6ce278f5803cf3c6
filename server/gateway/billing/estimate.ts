import type { BillingQuote } from './price-lookup.js';
import { upstreamCostPico } from './pricing.js';

/** Ceiling on output when the request sets none: enough for a long answer, bounded for reservations. */
const DEFAULT_MAX_OUTPUT = 4_096;

/** Tokens from characters: ~4 per token in English; 3 keeps reservations on the safe side. */
export const estimateTokens = (chars: number, charsPerToken = 4) => Math.ceil(chars / charsPerToken);

/** Margin over chars/3 for text that tokenizes densely (code, non-English, numbers). */
const INPUT_MARGIN = 1.25;
/** What providers count beyond the text: chat-template and reply-priming tokens, a system preamble. */
const INPUT_OVERHEAD_TOKENS = 16;

/**
 * The input a hold must cover: chars/3 of the request's JSON (messages and tools, structure
 * included, which alone is ~10 tokens a message — above any provider's per-message overhead),
 * × 1.25, + 16. Tokenizer families differ by well under that margin on text; what it cannot
 * see is an image given by URL (a provider counts it by pixels), the one residual overshoot.
 */
export const inputTokensCeiling = (chars: number) => Math.ceil((chars / 3) * INPUT_MARGIN) + INPUT_OVERHEAD_TOKENS;

/** More searches than any request runs: a larger declared bound holds this many (a hold is not a bill). */
const MAX_HELD_SEARCHES = 1_000;

/**
 * A request's declared bound on server-side web searches (Anthropic's `max_uses`, Responses'
 * `max_tool_calls`) as the searches to hold for; 0 when it sets no whole number (unbounded:
 * the searches are billed at settlement, not held).
 */
export function heldSearches(bound: unknown): number {
  return typeof bound === 'number' && Number.isInteger(bound) && bound > 0 ? Math.min(bound, MAX_HELD_SEARCHES) : 0;
}

/**
 * The most a call can cost upstream (input ceiling + the output cap + the searches it allows),
 * for reservations before it is made.
 */
export function worstCaseCostPico(
  inputChars: number,
  maxOutputTokens: number | null,
  modelMaxOutput: number | null,
  prices: Pick<BillingQuote, 'rates'> | null,
  webSearches = 0,
): bigint {
  if (!prices) return 0n;
  const output = maxOutputTokens ?? Math.min(modelMaxOutput ?? DEFAULT_MAX_OUTPUT, DEFAULT_MAX_OUTPUT);
  return upstreamCostPico({ inputTokens: inputTokensCeiling(inputChars), cachedInputTokens: 0, outputTokens: output, webSearches }, prices);
}

/** The budget period a spend belongs to (shared with the control plane, which shows spend). */
export { budgetPeriodKey } from '../../../shared/budget-period.js';
