import { describe, expect, it } from 'vitest';
import { NO_CATALOG_OVERRIDES, type PriceOverride } from '../../../server/domain/catalog/catalog-overrides.js';
import { budgetPeriodKey, estimateTokens, worstCaseCostPico } from '../../../server/gateway/billing/estimate.js';
import { lookupPrice } from '../../../server/gateway/billing/price-lookup.js';
import { priceCall, upstreamCostPico } from '../../../server/gateway/billing/pricing.js';
import { matchPriceDataModel, priceDataRates } from '../../../shared/catalog/price-data.js';
import type { ProviderId } from '../../../shared/catalog/providers.js';
import { publishedPrice } from '../../../shared/catalog/published-price.js';

const flat = (input: number, cachedInput: number | null, output: number) => ({
  rates: { input, cachedInput, cacheWrite: null, cacheWrite1h: null, output, webSearch: null },
});
const prices = flat(2.5, 1.25, 10);

/** The published price of a model today; fails the test when nobody prices it. */
function published(provider: ProviderId, model: string) {
  const price = publishedPrice(provider, model, new Date('2026-11-30T12:00:00Z'));
  if (!price) throw new Error(`${provider}/${model} has no published price`);
  return price;
}

describe('upstream cost', () => {
  it('prices tokens exactly in pico-USD from USD per 1M tokens', () => {
    // 1000 × 2.5e6 + 500 × 10e6 pico
    expect(upstreamCostPico({ inputTokens: 1000, cachedInputTokens: 0, outputTokens: 500 }, prices)).toBe(7_500_000_000n);
  });
  it('bills cached input at its own price, or at the input price when there is none', () => {
    const tokens = { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 0 };
    expect(upstreamCostPico(tokens, prices)).toBe(600n * 2_500_000n + 400n * 1_250_000n);
    expect(upstreamCostPico(tokens, flat(2.5, null, 10))).toBe(1000n * 2_500_000n);
  });
  it('never counts more cached tokens than input tokens', () => {
    expect(upstreamCostPico({ inputTokens: 10, cachedInputTokens: 50, outputTokens: 0 }, prices)).toBe(10n * 1_250_000n);
  });
  it('keeps sub-micro-dollar prices exact', () => {
    expect(upstreamCostPico({ inputTokens: 3, cachedInputTokens: 0, outputTokens: 0 }, flat(0.0375, null, 0))).toBe(3n * 37_500n);
  });
  it('bills web searches per 1,000 exactly, only where they have a price', () => {
    const rates = { input: '3', cachedInput: null, cacheWrite: null, cacheWrite1h: null, output: '15', webSearch: '10' };
    const priced = priceCall({ inputTokens: 1_000, cachedInputTokens: 0, outputTokens: 200, webSearches: 7 }, rates);
    // 1,000 × 3e6 + 200 × 15e6 + 7 × 1e10 pico ($0.01 a search).
    expect(priced.costPico).toBe(3_000_000_000n + 3_000_000_000n + 70_000_000_000n);
    expect(priced.unitPrices.webSearch).toBe('10');
    // No searches: no search price on the record. Searches without a price: tokens only.
    expect(priceCall({ inputTokens: 1_000, cachedInputTokens: 0, outputTokens: 200 }, rates).unitPrices).not.toHaveProperty('webSearch');
    const unpriced = priceCall(
      { inputTokens: 1_000, cachedInputTokens: 0, outputTokens: 200, webSearches: 7 },
      { ...rates, webSearch: null },
    );
    expect(unpriced.costPico).toBe(6_000_000_000n);
    expect(unpriced.unitPrices).not.toHaveProperty('webSearch');
  });
  it("reads the search price from the price data (else the provider's usual one), and keeps it under the overlay's token corrections", () => {
    for (const [provider, model] of [
      ['openai', 'gpt-5.1'],
      ['openai', 'gpt-4o-mini'],
      ['anthropic', 'claude-opus-4-8'],
      ['anthropic', 'claude-sonnet-4-5-20250929'],
      // The data names no search price for these, though they search: the provider's usual one.
      ['openai', 'gpt-5.3-codex'],
      ['openai', 'o3-deep-research'],
    ] as const)
      expect(published(provider, model).rates.webSearch, `${provider}/${model}`).toBe(10);
    expect(published('deepseek', 'deepseek-chat').rates.webSearch).toBeNull();
  });
  it('reads operator rates as decimal text, never through a float product', () => {
    // 0.1 + 0.2 is not 0.3 in floats; 1,000,000 tokens at "0.3" per 1M is exactly $0.30.
    const rates = { input: '0.3', cachedInput: null, cacheWrite: null, cacheWrite1h: null, output: '0.000001', webSearch: null };
    const priced = priceCall({ inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 3 }, rates);
    // 1,000,000 × 0.3e12 / 1e6 + 3 × 1e6 / 1e6 (= 3 pico)
    expect(priced.costPico).toBe(300_000_000_000n + 3n);
    expect(priced.unitPrices).toEqual({ input: '0.3', cachedInput: '0.3', cacheWrite: '0.3', cacheWrite1h: '0.3', output: '0.000001' });
  });
});

describe('published examples, computed by hand', () => {
  it('Gemini 2.5 Pro: a 250,000-token prompt is billed entirely at the >200k tier', () => {
    const price = published('google', 'gemini-2.5-pro');
    expect(price.source).toBe('@pydantic/genai-prices 0.1.8');
    // 250,000 × $2.50/M = $0.625; 1,000 × $15/M = $0.015; total $0.64.
    const priced = priceCall({ inputTokens: 250_000, cachedInputTokens: 0, outputTokens: 1_000 }, price.rates);
    expect(priced.costPico).toBe(640_000_000_000n);
    expect(priced.unitPrices).toMatchObject({ input: '2.5', cachedInput: '0.25', output: '15' });
    // Exactly 200,000 is not past the tier: 200,000 × $1.25/M = $0.25.
    expect(upstreamCostPico({ inputTokens: 200_000, cachedInputTokens: 0, outputTokens: 0 }, price)).toBe(250_000_000_000n);
  });

  it('Claude Sonnet 4.5: cache writes at the write price, not the input price', () => {
    const price = published('anthropic', 'claude-sonnet-4-5-20250929');
    // 149,000 uncached × $3/M = $0.447; 1,000 writes × $3.75/M = $0.00375; 1,000 output × $15/M = $0.015
    // total $0.46575.
    const tokens = { inputTokens: 150_000, cachedInputTokens: 0, cacheWriteTokens: 1_000, outputTokens: 1_000 };
    expect(upstreamCostPico(tokens, price)).toBe(465_750_000_000n);
  });

  it('Claude Sonnet 4.5: 1-hour cache writes at their own price, reads at the read price', () => {
    const priced = priceCall(
      { inputTokens: 10_000, cachedInputTokens: 1_000, cacheWriteTokens: 2_000, cacheWrite1hTokens: 4_000, outputTokens: 500 },
      published('anthropic', 'claude-sonnet-4-5').rates,
    );
    // 3,000 uncached × $3 + 1,000 reads × $0.30 + 2,000 5m writes × $3.75 + 4,000 1h writes × $6
    // + 500 output × $15, per 1M: (9,000 + 300 + 7,500 + 24,000 + 7,500) µUSD = $0.0483.
    expect(priced.costPico).toBe(48_300_000_000n);
    expect(priced.unitPrices).toEqual({ input: '3', cachedInput: '0.3', cacheWrite: '3.75', cacheWrite1h: '6', output: '15' });
  });

  it('OpenAI gpt-5: cached input at its price, reasoning tokens billed as output', () => {
    const price = published('openai', 'gpt-5-2025-08-07');
    // prompt 10,000 of which 4,000 cached; completion 3,000 of which 2,000 reasoning (part of output).
    // 6,000 × $1.25 + 4,000 × $0.125 + 3,000 × $10, per 1M: (7,500 + 500 + 30,000) µUSD = $0.038.
    const tokens = { inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 3_000, reasoningTokens: 2_000 };
    expect(upstreamCostPico(tokens, price)).toBe(38_000_000_000n);
  });

  it('DeepSeek: the overlay (V3.2 prices) wins over the package’s older rows', () => {
    const at = new Date('2026-11-30T12:00:00Z');
    const pkg = (model: string) => {
      const found = matchPriceDataModel('deepseek', model);
      return found ? priceDataRates(found, at) : null;
    };
    // Pinned so a package update that fixes them shows up here (then the overlay rows can go).
    expect(pkg('deepseek-chat')).toMatchObject({ input: 0.27, cachedInput: 0.07, output: 1.1 });
    expect(pkg('deepseek-reasoner')).toMatchObject({ input: 0.55, cachedInput: 0.14, output: 2.19 });
    for (const model of ['deepseek-chat', 'deepseek-reasoner']) {
      const price = published('deepseek', model);
      expect(price).toMatchObject({ source: 'overlay 2026-11-23', rates: { input: 0.28, cachedInput: 0.028, output: 0.42 } });
      // 500,000 uncached × $0.28 + 500,000 cached × $0.028 + 100,000 output × $0.42, per 1M:
      // (140,000 + 14,000 + 42,000) µUSD = $0.196.
      const tokens = { inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 100_000 };
      expect(upstreamCostPico(tokens, price)).toBe(196_000_000_000n);
    }
  });
});

describe('price lookup', () => {
  const at = new Date('2026-12-02T00:00:00Z');
  const override: PriceOverride = {
    id: 'ovr1',
    scope: 'organization',
    input: '2',
    cachedInput: null,
    cacheWrite: '2.5',
    cacheWrite1h: null,
    output: '10',
    effectiveFrom: new Date('2026-12-01T00:00:00Z'),
  };
  const overrides = { ...NO_CATALOG_OVERRIDES, priceOverride: async () => override };
  const model = { provider: 'anthropic', providerModel: 'claude-sonnet-4-5-20250929', organizationId: 'org1', at };

  it('without an override, is the published price', async () => {
    expect(await lookupPrice(NO_CATALOG_OVERRIDES, model)).toEqual(publishedPrice('anthropic', 'claude-sonnet-4-5-20250929', at));
    expect(await lookupPrice(NO_CATALOG_OVERRIDES, { ...model, provider: 'openai', providerModel: 'ft:nobody-knows' })).toBeNull();
  });

  it('an override wins, and its null cache rates keep the published ones', async () => {
    const quote = await lookupPrice(overrides, model);
    expect(quote?.source).toBe('override ovr1 (organization) from 2026-12-01');
    expect(quote?.readOn).toBe('2026-12-01');
    expect(quote?.rates.input).toBe('2');
    expect(quote?.rates.cacheWrite).toBe('2.5');
    const published = publishedPrice('anthropic', 'claude-sonnet-4-5-20250929', at);
    expect(quote?.rates.cachedInput).toEqual(published?.rates.cachedInput);
    expect(quote?.rates.cacheWrite1h).toEqual(published?.rates.cacheWrite1h);
  });

  it('prices a model nobody publishes, and a custom provider’s', async () => {
    const quote = await lookupPrice(overrides, { ...model, provider: 'my-ollama', providerModel: 'llama3' });
    expect(quote?.rates).toEqual({ input: '2', cachedInput: null, cacheWrite: '2.5', cacheWrite1h: null, output: '10', webSearch: null });
  });
});

describe('reservation estimates', () => {
  it('holds the worst case: input at 3 characters a token × 1.25 + 16, output at the requested or default ceiling', () => {
    expect(estimateTokens(10)).toBe(3);
    expect(worstCaseCostPico(300, 100, null, prices)).toBe(141n * 2_500_000n + 100n * 10_000_000n);
    expect(worstCaseCostPico(0, null, 1_000_000, prices)).toBe(16n * 2_500_000n + 4_096n * 10_000_000n);
    expect(worstCaseCostPico(0, null, 1_000, prices)).toBe(16n * 2_500_000n + 1_000n * 10_000_000n);
    expect(worstCaseCostPico(300, 100, null, null)).toBe(0n);
  });
  it('names the budget period by UTC month, or the key lifetime', () => {
    expect(budgetPeriodKey('MONTHLY', new Date('2025-03-31T23:59:59Z'))).toBe('2025-03');
    expect(budgetPeriodKey('TOTAL')).toBe('total');
  });
});
