import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findModel } from '../../shared/catalog.js';
import { chat, createTenant, expectLedgerConsistent, fakeKey, type GatewayEnv, sleep, startGatewayEnv, usageOf } from './support/tenant.js';

// Served by groq, together and fireworks (routing has choices).
const MODEL = 'gpt-oss-120b';
const TOGETHER_ENV = fakeKey('together', 'envtogether');
const FIREWORKS_ENV = fakeKey('fireworks', 'envfireworks');

/**
 * HYBRID: keyed providers first, platform keys when no keyed provider is healthy. Rate-limit
 * filtering runs over the full candidate set first (llmgateway PR #1963: a rate-limited keyed
 * provider must not make the request fail while a platform-keyed provider can serve it).
 */
describe('HYBRID routing', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { TOGETHER_API_KEY: TOGETHER_ENV, FIREWORKS_API_KEY: FIREWORKS_ENV });
    expect(
      findModel(MODEL)
        ?.offers.map((o) => o.provider)
        .sort(),
    ).toEqual(['fireworks', 'groq', 'together']);
  });
  afterAll(() => g?.close());

  const upstreamCalls = (provider: string) => g.sim.requests.filter((r) => r.provider === provider).length;

  it('prefers the provider reachable with the organization key over cheaper platform-keyed ones', async () => {
    const groqKey = fakeKey('groq');
    const tenant = await createTenant(g.t, { mode: 'HYBRID', credits: '1', byok: { groq: groqKey } });
    const result = await chat(g.t, tenant.secret, { model: MODEL });
    expect(result.status, result.text).toBe(200);
    expect([result.provider, result.keySource]).toEqual(['groq', 'byok']);
    expect(g.sim.requests.at(-1)).toMatchObject({ provider: 'groq', apiKey: groqKey, model: 'openai/gpt-oss-120b' });
    const usage = await usageOf(g.t, result.requestId);
    expect(usage.routing).toMatchObject({ order: ['groq:byok', 'together:env', 'fireworks:env'] });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('API_KEYS with the same key never falls back to platform keys', async () => {
    const groqKey = fakeKey('groq');
    const tenant = await createTenant(g.t, { mode: 'API_KEYS', byok: { groq: groqKey } });
    g.sim.setKeyBehavior(groqKey, { kind: 'rate-limit', retryAfterSeconds: 2, times: 1 });
    const first = await chat(g.t, tenant.secret, { model: MODEL });
    expect(first.status).toBe(429);
    expect(first.json.error).toMatchObject({ type: expect.any(String), code: expect.any(String) });
    const second = await chat(g.t, tenant.secret, { model: MODEL });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('a rate-limited keyed provider falls back to a platform-keyed one, then comes back after Retry-After', async () => {
    const groqKey = fakeKey('groq');
    const tenant = await createTenant(g.t, { mode: 'HYBRID', credits: '1', byok: { groq: groqKey } });
    g.sim.setKeyBehavior(groqKey, { kind: 'rate-limit', retryAfterSeconds: 2, times: 1 });

    // The 429 arrives before any byte went to the client: retried on the platform key.
    const retried = await chat(g.t, tenant.secret, { model: MODEL });
    expect(retried.status, retried.text).toBe(200);
    expect([retried.provider, retried.keySource]).toEqual(['together', 'env']);
    const retriedUsage = await usageOf(g.t, retried.requestId);
    expect(retriedUsage.attempts).toBe(2);
    expect(retriedUsage.routing).toMatchObject({
      attempts: [
        { provider: 'groq', outcome: 'RATE_LIMIT' },
        { provider: 'together', outcome: 'ok' },
      ],
    });

    // While the key cools down, routing skips groq without calling it.
    const groqBefore = upstreamCalls('groq');
    const cooled = await chat(g.t, tenant.secret, { model: MODEL });
    expect(cooled.status, cooled.text).toBe(200);
    expect([cooled.provider, cooled.keySource]).toEqual(['together', 'env']);
    expect(upstreamCalls('groq')).toBe(groqBefore);
    const cooledUsage = await usageOf(g.t, cooled.requestId);
    expect(cooledUsage.attempts).toBe(1);
    const routing = cooledUsage.routing as { candidates: { provider: string; status: string }[]; why: string };
    expect(routing.candidates.find((c) => c.provider === 'groq')?.status).toBe('cooling-down');
    expect(routing.why).toMatch(/falling back/);

    await sleep(2_100);
    const back = await chat(g.t, tenant.secret, { model: MODEL });
    expect([back.provider, back.keySource]).toEqual(['groq', 'byok']);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('falls back to platform keys when every keyed provider is rate limited', async () => {
    const groqKey = fakeKey('groq');
    const fireworksKey = fakeKey('fireworks');
    const tenant = await createTenant(g.t, { mode: 'HYBRID', credits: '1', byok: { groq: groqKey, fireworks: fireworksKey } });
    g.sim.setKeyBehavior(groqKey, { kind: 'rate-limit', retryAfterSeconds: 5, times: 1 });
    g.sim.setKeyBehavior(fireworksKey, { kind: 'rate-limit', retryAfterSeconds: 5, times: 1 });

    const first = await chat(g.t, tenant.secret, { model: MODEL });
    expect(first.status, first.text).toBe(200);
    expect([first.provider, first.keySource]).toEqual(['together', 'env']);
    expect((await usageOf(g.t, first.requestId)).attempts).toBe(3);

    const before = { groq: upstreamCalls('groq'), fireworks: upstreamCalls('fireworks') };
    const second = await chat(g.t, tenant.secret, { model: MODEL });
    expect([second.provider, second.keySource]).toEqual(['together', 'env']);
    expect({ groq: upstreamCalls('groq'), fireworks: upstreamCalls('fireworks') }).toEqual(before);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('a pinned provider whose keyed source cools down answers 429, not a platform key of another provider', async () => {
    const groqKey = fakeKey('groq');
    const tenant = await createTenant(g.t, { mode: 'HYBRID', credits: '1', byok: { groq: groqKey } });
    g.sim.setKeyBehavior(groqKey, { kind: 'rate-limit', retryAfterSeconds: 3, times: 1 });
    const result = await chat(g.t, tenant.secret, { model: `groq/${MODEL}` });
    // groq has no platform key here, so the only candidate is the cooling byok key.
    expect(result.status).toBe(429);
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(g.sim.requests.at(-1)?.provider).toBe('groq');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
});
