import { describe, expect, it } from 'vitest';
import { CATALOG, findModel, findOffer, PRICE_OVERLAY, PROVIDER_IDS, providerDisplayName } from '../../shared/catalog.js';

/** Providers serving a model, in table order; empty for unknown ids. */
const providersServing = (modelId: string) => findModel(modelId)?.offers.map((o) => o.provider) ?? [];

describe('catalog', () => {
  it('lists the eight providers with display names', () => {
    expect(PROVIDER_IDS).toEqual(['openai', 'anthropic', 'google', 'mistral', 'groq', 'together', 'fireworks', 'deepseek']);
    expect(providerDisplayName('together')).toBe('Together AI');
    expect(providerDisplayName('fireworks')).toBe('Fireworks AI');
    expect(providerDisplayName('my-ollama')).toBe('my-ollama');
  });

  it('prices every offer, with source and date', () => {
    for (const model of CATALOG) {
      expect(model.offers.length).toBeGreaterThan(0);
      for (const offer of model.offers) {
        expect(offer.price, `${model.id} on ${offer.provider}`).not.toBeNull();
        expect(offer.price?.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(offer.price?.source).toMatch(/^(@pydantic\/genai-prices 0\.1\.8|overlay \d{4}-\d{2}-\d{2})$/);
        expect(offer.price?.input).toBeGreaterThan(0);
        const cached = offer.price?.cachedInput;
        if (cached != null) expect(cached).toBeLessThanOrEqual(offer.price?.input ?? 0);
      }
    }
  });

  it('has a curated set per major provider', () => {
    const count = (p: string) => CATALOG.filter((m) => m.offers.some((o) => o.provider === p)).length;
    for (const p of ['openai', 'anthropic', 'mistral', 'groq']) expect(count(p)).toBeGreaterThanOrEqual(4);
    expect(count('google')).toBeGreaterThanOrEqual(4);
    expect(CATALOG.length).toBeLessThan(60);
  });

  it('takes package prices and applies the overlay', () => {
    const fromPackage = findModel('gpt-4.1')?.offers[0]?.price;
    expect(fromPackage).toMatchObject({
      input: 2,
      cachedInput: 0.5,
      output: 8,
      readOn: '2026-11-30',
      source: '@pydantic/genai-prices 0.1.8',
    });
    // The package still has DeepSeek's pre-V3.2 prices (0.27 / 0.07 / 1.10); the overlay corrects them.
    const corrected = findOffer('deepseek', 'deepseek-v3')?.offer.price;
    expect(corrected).toMatchObject({ input: 0.28, cachedInput: 0.028, output: 0.42, source: 'overlay 2026-11-23' });
    const noCache = findOffer('groq', 'llama-3.3-70b')?.offer.price;
    expect(noCache).toMatchObject({ input: 0.59, cachedInput: null, output: 0.79 });
    for (const entry of PRICE_OVERLAY) expect(entry.note.length).toBeGreaterThan(10);
  });

  it('maps the same open-weight model across providers', () => {
    expect(providersServing('gpt-oss-120b')).toEqual(['groq', 'together', 'fireworks']);
    expect(providersServing('llama-3.3-70b')).toEqual(['groq', 'together']);
    expect(providersServing('deepseek-v3')).toEqual(['together', 'fireworks', 'deepseek']);
    expect(findOffer('deepseek', 'deepseek-v3')?.offer.providerModel).toBe('deepseek-chat');
    expect(providersServing('no-such-model')).toEqual([]);
  });
});
