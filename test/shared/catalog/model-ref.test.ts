import { describe, expect, it } from 'vitest';
import { nearestModelNames, resolveModelRef } from '../../../shared/catalog/model-ref.js';
import { matchPriceDataModel } from '../../../shared/catalog/price-data.js';

const providersOf = (ref: string) => resolveModelRef(ref)?.offers.map((o) => o.provider);

describe('model refs', () => {
  it('resolves provider/model by keyplane id or provider name', () => {
    expect(resolveModelRef('gpt-oss-120b')).toMatchObject({ pinnedProvider: null, id: 'gpt-oss-120b', known: true });
    expect(resolveModelRef('gpt-oss-120b')?.offers).toHaveLength(3);

    const pinned = resolveModelRef('fireworks/gpt-oss-120b');
    expect(pinned?.pinnedProvider).toBe('fireworks');
    expect(pinned?.offers.map((o) => o.providerModel)).toEqual(['accounts/fireworks/models/gpt-oss-120b']);

    expect(resolveModelRef('groq/openai/gpt-oss-120b')).toMatchObject({ pinnedProvider: 'groq', id: 'gpt-oss-120b' });
    // Another provider's own name in the table wins over an open name at the prefix's provider.
    expect(providersOf('openai/gpt-oss-120b')).toEqual(['groq', 'together']);
    expect(providersOf('llama-3.3-70b-versatile')).toEqual(['groq']);
    expect(resolveModelRef('anthropic/claude-sonnet-4-5')?.offers[0]?.providerModel).toBe('claude-sonnet-4-5-20250929');
    expect(resolveModelRef('nope')).toBeUndefined();
  });

  it('provider/<any name> reaches that provider with the name as written; known only when the data matches it', () => {
    expect(resolveModelRef('openai/gpt-4o-2024-08-06')).toMatchObject({
      pinnedProvider: 'openai',
      known: true,
      offers: [{ provider: 'openai', providerModel: 'gpt-4o-2024-08-06' }],
    });
    const fineTune = 'ft:custom-base:acme::x1';
    expect(matchPriceDataModel('openai', fineTune)).toBeUndefined();
    const open = resolveModelRef(`openai/${fineTune}`);
    expect(open).toMatchObject({ pinnedProvider: 'openai', known: false, offers: [{ providerModel: fineTune, price: null }] });
  });

  it('bare names go to the providers whose price data matches them, sent as written', () => {
    expect(providersOf('gpt-4.1-2025-04-14')).toEqual(['openai']);
    // Google's price data lists Vertex AI's Claude models; only Anthropic's API serves them.
    expect(providersOf('claude-3-5-sonnet-20241022')).toEqual(['anthropic']);
    expect(providersOf('claude-opus-4-8')).toEqual(['anthropic']);
    expect(providersOf('gemini-2.5-flash-lite')).toEqual(['google']);
    expect(resolveModelRef('claude-3-5-sonnet-20241022')?.offers[0]?.providerModel).toBe('claude-3-5-sonnet-20241022');
  });

  it('names the nearest known names for an unknown one', () => {
    expect(nearestModelNames('gpt-4o-mni')[0]).toBe('gpt-4o-mini');
    expect(nearestModelNames('claude-sonet-4-5')).toContain('claude-sonnet-4-5');
    expect(nearestModelNames('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz')).toEqual([]);
  });
});
