import { describe, expect, it } from 'vitest';
import { aliasInput, EMPTY_PRICE_FORM, priceInput } from '../../web/src/features/models/model/catalog-forms.js';
import { describeOverride, filterModelRows, modelRows, perMillion } from '../../web/src/features/models/model/model-rows.js';
import type { ModelsQuery } from '../../web/src/graphql/generated.js';

const price = (input: number, source: string) => ({
  input,
  cachedInput: input / 10,
  cacheWrite: null,
  cacheWrite1h: null,
  output: input * 4,
  tiers: null,
  source,
  readOn: '2026-11-30',
});

const MODELS: ModelsQuery['models'] = [
  {
    id: 'gpt-4o-mini',
    name: 'GPT-4o mini',
    offers: [{ provider: 'openai', providerModel: 'gpt-4o-mini', price: price(0.15, 'overlay 2026-11-23'), overrides: [] }],
  },
  {
    id: 'llama-3.3-70b',
    name: 'Llama 3.3 70B',
    offers: [
      { provider: 'groq', providerModel: 'llama-3.3-70b-versatile', price: price(0.59, '@pydantic/genai-prices 0.1.8'), overrides: [] },
      { provider: 'together', providerModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', price: null, overrides: [] },
    ],
  },
  {
    id: 'gpt-4.1-mini',
    name: 'GPT-4.1 mini',
    offers: [{ provider: 'openai', providerModel: 'gpt-4.1-mini', price: price(0.1, 'override'), overrides: [] }],
  },
];

describe('models page model', () => {
  const rows = modelRows(MODELS);

  it('lists one row per offer with per-1M prices, source and date; unpriced offers say so', () => {
    expect(rows.map((r) => r.ref)).toEqual([
      'openai/gpt-4o-mini',
      'groq/llama-3.3-70b-versatile',
      'together/meta-llama/Llama-3.3-70B-Instruct-Turbo',
      'openai/gpt-4.1-mini',
    ]);
    expect(rows[0]).toMatchObject({ input: '$0.15', cachedInput: '$0.015', cacheWrite: '—', output: '$0.6', source: 'overlay 2026-11-23' });
    expect(rows[2]).toMatchObject({ input: '—', source: 'unpriced', readOn: '—' });
    expect(perMillion(0.1 + 0.2)).toBe('$0.3');
  });

  it('keys rows uniquely even when one offer stands for two catalog models', () => {
    const twice = modelRows([...MODELS, { ...MODELS[0]!, id: 'gpt-4o-mini-alias' }]);
    expect(new Set(twice.map((r) => r.key)).size).toBe(twice.length);
  });

  it('search matches every word against provider/model, id and source, ignoring case', () => {
    const keys = (search: string) => filterModelRows(rows, search).map((r) => r.ref);
    expect(keys('')).toHaveLength(4);
    expect(keys('OpenAI mini')).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4.1-mini']);
    expect(keys('llama-3.3')).toEqual(['groq/llama-3.3-70b-versatile', 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo']);
    expect(keys('override')).toEqual(['openai/gpt-4.1-mini']);
    expect(keys('unpriced')).toEqual(['together/meta-llama/Llama-3.3-70B-Instruct-Turbo']);
    expect(keys('nothing-like-this')).toEqual([]);
  });

  it('describes an override by its rates, whom it applies to and its date', () => {
    const override = {
      id: 'o1',
      provider: 'openai',
      model: 'gpt-4o-mini',
      organizationId: 'org1',
      inputUsdPerMtok: '0.1',
      cachedInputUsdPerMtok: null,
      cacheWriteUsdPerMtok: null,
      outputUsdPerMtok: '0.4',
      effectiveFrom: '2026-12-01T09:30:00.000Z',
      note: null,
    };
    expect(describeOverride(override, () => 'Acme')).toBe('$0.1 in, $0.4 out · Acme · from 2026-12-01 09:30');
    expect(describeOverride({ ...override, organizationId: null, cachedInputUsdPerMtok: '0.05' }, () => 'x')).toBe(
      '$0.1 in, cached $0.05, $0.4 out · everyone · from 2026-12-01 09:30',
    );
  });

  it('turns the price and alias forms into mutation inputs', () => {
    expect(priceInput({ ...EMPTY_PRICE_FORM, model: 'gpt-4o-mini', input: '1', output: '2' })).toBeNull();
    expect(priceInput({ ...EMPTY_PRICE_FORM, model: ' openai/ft:gpt-4o-mini:acme::x ', input: '1', output: '2' })).toEqual({
      provider: 'openai',
      model: 'ft:gpt-4o-mini:acme::x',
      inputUsdPerMtok: '1',
      outputUsdPerMtok: '2',
    });
    const dated = priceInput({
      model: 'openai/gpt-4o-mini',
      input: '1',
      cachedInput: '0.5',
      output: '2',
      effectiveFrom: '2026-12-01T09:30',
      organizationId: 'org1',
    });
    expect(dated).toMatchObject({
      cachedInputUsdPerMtok: '0.5',
      organizationId: 'org1',
      effectiveFrom: new Date('2026-12-01T09:30').toISOString(),
    });
    expect(aliasInput({ name: ' fast ', targets: 'groq/a, together/b,, ', organizationId: '' })).toEqual({
      name: 'fast',
      targets: ['groq/a', 'together/b'],
    });
  });
});
