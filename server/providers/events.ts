import type { FailureClass } from '../../shared/domain.js';

/** Why the model stopped, in OpenAI's vocabulary. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * The one event union every provider adapter emits, streaming or not.
 *
 * Contract:
 * - `start` comes first when the provider reports an id or model.
 * - `tool-call-delta`: `index` is the tool call's position in this answer; the
 *   first delta of an index carries `id` and `name`, later ones only arguments.
 * - `reasoning-delta` comes before the text it leads to; a `signature` (Anthropic) arrives on
 *   the last delta of its thinking block, possibly with empty text.
 * - `usage` carries totals so far, not increments: the last one wins.
 *   `inputTokens` counts EVERY input token: uncached, cache reads (`cachedInputTokens`) and
 *   cache writes (`cacheWriteTokens` 5-minute, `cacheWrite1hTokens` 1-hour); `outputTokens`
 *   includes `reasoningTokens`. The cache-write and reasoning counts are absent when zero, and
 *   so is `webSearches` (searches the provider ran server-side, billed per search).
 * - `error` is always the last event; nothing follows it.
 */
export type ProviderEvent =
  | { type: 'start'; id?: string; model?: string }
  | { type: 'text-delta'; text: string }
  /** Reasoning text (DeepSeek `reasoning_content`, Anthropic thinking, Gemini thoughts); Anthropic signs its block with `signature`. */
  | { type: 'reasoning-delta'; text: string; signature?: string }
  /** Reasoning the provider returns only encrypted (Anthropic `redacted_thinking`): passed back as is, never shown. */
  | { type: 'redacted-reasoning'; data: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  | {
      type: 'usage';
      inputTokens: number;
      cachedInputTokens: number;
      cacheWriteTokens?: number;
      cacheWrite1hTokens?: number;
      outputTokens: number;
      reasoningTokens?: number;
      /** Server-side web searches the provider ran (Anthropic's and OpenAI's web search tools): billed per search. */
      webSearches?: number;
    }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; failureClass: FailureClass; message: string; status?: number };

export type UsageEvent = Extract<ProviderEvent, { type: 'usage' }>;
export type ErrorEvent = Extract<ProviderEvent, { type: 'error' }>;

/** The most tokens one count can say: the usage record's columns are 32-bit integers. */
export const MAX_TOKEN_COUNT = 2_147_483_647;

/**
 * A count as usage holds it: a whole number from 0 to MAX_TOKEN_COUNT. An upstream can send
 * anything (a tenant's custom provider is theirs to write): 1.5, -3 or 1e12 would fail the
 * price computation, or the settlement batch that carries other tenants' records too.
 */
export function tokenCount(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return 0;
  return Math.min(Math.floor(value), MAX_TOKEN_COUNT);
}

/** Build a `usage` event from counts, each a token count, leaving out the cache-write and reasoning counts that are zero. */
export function toUsageEvent(counts: Omit<UsageEvent, 'type'>): UsageEvent {
  const cacheWriteTokens = tokenCount(counts.cacheWriteTokens);
  const cacheWrite1hTokens = tokenCount(counts.cacheWrite1hTokens);
  const reasoningTokens = tokenCount(counts.reasoningTokens);
  const webSearches = tokenCount(counts.webSearches);
  return {
    type: 'usage',
    inputTokens: tokenCount(counts.inputTokens),
    cachedInputTokens: tokenCount(counts.cachedInputTokens),
    outputTokens: tokenCount(counts.outputTokens),
    ...(cacheWriteTokens ? { cacheWriteTokens } : {}),
    ...(cacheWrite1hTokens ? { cacheWrite1hTokens } : {}),
    ...(reasoningTokens ? { reasoningTokens } : {}),
    ...(webSearches ? { webSearches } : {}),
  };
}

/** Build an `error` event (adapters use this for malformed chunks and cut streams). */
export function errorEvent(failureClass: FailureClass, message: string, status?: number): ErrorEvent {
  return status === undefined ? { type: 'error', failureClass, message } : { type: 'error', failureClass, message, status };
}
