import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogOverrides, NO_CATALOG_OVERRIDES } from '../../server/domain/catalog/catalog-overrides.js';
import { matchPriceDataModel } from '../../shared/catalog/price-data.js';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  startGatewayEnv,
  usageOf,
} from './support/tenant.js';

const KEYS = { openai: fakeKey('openai', 'envopen'), anthropic: fakeKey('anthropic', 'envopen'), google: fakeKey('google', 'envopen') };

/**
 * Open model names end to end through the simulator: `provider/<any name>`, bare names resolved
 * by the price data, unknown names with suggestions, aliases in order with fallback, the
 * organization's allow/deny lists and /v1/models.
 */
describe('open model names, aliases and model lists', () => {
  let g: GatewayEnv;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  const setOverrides = (overrides: Partial<CatalogOverrides>) => {
    g.t.server.gateway.catalogOverrides = { ...NO_CATALOG_OVERRIDES, ...overrides };
  };

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: KEYS.openai, ANTHROPIC_API_KEY: KEYS.anthropic, GOOGLE_API_KEY: KEYS.google });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
  });
  afterAll(() => g?.close());

  it.each([
    ['openai/gpt-4o-2024-08-06', 'openai', 'gpt-4o-2024-08-06'],
    ['gpt-4.1-2025-04-14', 'openai', 'gpt-4.1-2025-04-14'],
    ['anthropic/claude-3-5-haiku-latest', 'anthropic', 'claude-3-5-haiku-latest'],
    ['claude-3-5-sonnet-20241022', 'anthropic', 'claude-3-5-sonnet-20241022'],
    ['gemini-2.5-flash-lite', 'google', 'gemini-2.5-flash-lite'],
    ['openai/gpt-5.1', 'openai', 'gpt-5.1'],
    ['claude-opus-4-8', 'anthropic', 'claude-opus-4-8'],
  ])('%s answers 200 from %s, which receives %s', async (model, provider, upstreamName) => {
    const result = await chat(g.t, tenant.secret, { model });
    expect(result.status, result.text).toBe(200);
    expect(result.provider).toBe(provider);
    expect(g.sim.requests.at(-1)).toMatchObject({ provider, model: upstreamName });
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'SUCCESS', provider });
  });

  it('an open name the price data does not know is served and recorded unpriced', async () => {
    const name = 'ft:custom-base:acme::x1';
    expect(matchPriceDataModel('openai', name)).toBeUndefined();
    const result = await chat(g.t, tenant.secret, { model: `openai/${name}`, stream: true });
    expect(result.status, result.text).toBe(200);
    expect(g.sim.requests.at(-1)).toMatchObject({ provider: 'openai', model: name });
    expect(await usageOf(g.t, result.requestId)).toMatchObject({ status: 'SUCCESS', costKnown: false });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('a bare unknown name is a 404 naming the nearest known names, without an upstream call', async () => {
    const before = g.sim.requests.length;
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mni' });
    expectOpenAiError(result, 404, 'model_not_found');
    expect(result.json.error.message).toContain('Did you mean gpt-4o-mini');
    expect(g.sim.requests.length).toBe(before);
  });

  it('an alias routes to its targets in order and falls back to the next when the first fails upstream', async () => {
    // Claude Haiku costs more than gpt-4o-mini: only the alias's order puts it first.
    setOverrides({ alias: async (name) => (name === 'fast' ? ['anthropic/claude-haiku-4-5', 'openai/gpt-4o-mini'] : null) });
    try {
      const first = await chat(g.t, tenant.secret, { model: 'fast' });
      expect(first.status, first.text).toBe(200);
      expect(first.provider).toBe('anthropic');
      g.sim.setKeyBehavior(KEYS.anthropic, { kind: 'server-error', times: 5 });
      const fallback = await chat(g.t, tenant.secret, { model: 'fast' });
      expect(fallback.status, fallback.text).toBe(200);
      expect(fallback.provider).toBe('openai');
      expect(g.sim.requests.at(-1)).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    } finally {
      g.sim.clearKeyBehaviors();
      setOverrides({});
    }
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it("the organization's deny and allow lists answer 403 model_not_allowed before any upstream call", async () => {
    const listed = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const access = { allowed: ['openai/*', 'gemini-2.5-flash-lite'], denied: ['openai/gpt-5.1', 'gpt-4o-2024*'] };
    setOverrides({ modelAccess: async (id) => (id === listed.organizationId ? access : { allowed: [], denied: [] }) });
    try {
      const before = g.sim.requests.length;
      expectOpenAiError(await chat(g.t, listed.secret, { model: 'openai/gpt-5.1' }), 403, 'model_not_allowed');
      expectOpenAiError(await chat(g.t, listed.secret, { model: 'claude-opus-4-8' }), 403, 'model_not_allowed');
      // An entry without a provider covers the name asked for with one (a dated snapshot here).
      expectOpenAiError(await chat(g.t, listed.secret, { model: 'openai/gpt-4o-2024-08-06' }), 403, 'model_not_allowed');
      expect(g.sim.requests.length).toBe(before);
      expect((await chat(g.t, listed.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
      expect((await chat(g.t, listed.secret, { model: 'gemini-2.5-flash-lite' })).status).toBe(200);
      // Another organization is not affected.
      expect((await chat(g.t, tenant.secret, { model: 'openai/gpt-5.1' })).status).toBe(200);
      const models = await g.t.fetch('/v1/models', { headers: { authorization: `Bearer ${listed.secret}` } });
      const ids = ((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id);
      expect(ids).toContain('openai/gpt-4o-mini');
      expect(ids).not.toContain('openai/gpt-5.1');
      expect(ids.filter((id) => id.includes('gpt-4o-2024'))).toEqual([]);
      expect(ids.filter((id) => id.startsWith('anthropic/'))).toEqual([]);
    } finally {
      setOverrides({});
    }
  });

  it('/v1/models lists every data model of each reachable provider; retrieve answers for known names', async () => {
    const response = await g.t.fetch('/v1/models', { headers: { authorization: `Bearer ${tenant.secret}` } });
    const data = ((await response.json()) as { data: { id: string; owned_by: string }[] }).data;
    const perProvider = (provider: string) => data.filter((m) => m.owned_by === provider).length;
    expect(data.length).toBeGreaterThan(100);
    expect(perProvider('openai')).toBeGreaterThan(50);
    expect(perProvider('groq')).toBe(0);
    expect(data.map((m) => m.id)).toEqual(
      expect.arrayContaining(['gpt-4o-mini', 'openai/gpt-5.1', 'anthropic/claude-opus-4-8', 'google/gemini-2.5-flash-lite']),
    );
    expect(data.map((m) => m.id)).not.toContain('google/claude-opus-4-8');

    const client = new OpenAI({ baseURL: `${g.t.url}/v1`, apiKey: tenant.secret, maxRetries: 0 });
    expect(await client.models.retrieve('anthropic/claude-opus-4-8')).toMatchObject({
      id: 'anthropic/claude-opus-4-8',
      object: 'model',
      owned_by: 'anthropic',
    });
    expect(await client.models.retrieve('openai/gpt-4o-2024-08-06')).toMatchObject({ owned_by: 'openai' });
    const open = await client.models.retrieve('openai/ft:custom-base:acme::x1').catch((error: unknown) => error);
    expect(open).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
