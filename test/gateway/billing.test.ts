import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOffer, type ProviderId } from '../../shared/catalog.js';
import { availableBackends } from '../support/test-database.js';
import {
  chat,
  createTenant,
  expectedCostPico,
  expectLedgerConsistent,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  metrics,
  metricValue,
  pico,
  startGatewayEnv,
  usageOf,
} from './support/tenant.js';

const ENV_KEYS = {
  OPENAI_API_KEY: fakeKey('openai'),
  ANTHROPIC_API_KEY: fakeKey('anthropic'),
  GOOGLE_API_KEY: fakeKey('google'),
  GROQ_API_KEY: fakeKey('groq'),
  MISTRAL_API_KEY: fakeKey('together'),
  DEEPSEEK_API_KEY: fakeKey('deepseek'),
};

/** The simulator's deterministic text answer (tools/simulator/fixtures/README.md). */
const TEXT_TOKENS: Record<string, { input: number; cached: number; output: number }> = {
  openai: { input: 25, cached: 10, output: 9 },
  anthropic: { input: 25, cached: 10, output: 9 },
  google: { input: 25, cached: 10, output: 9 },
  deepseek: { input: 25, cached: 10, output: 9 },
  groq: { input: 25, cached: 0, output: 9 },
  mistral: { input: 25, cached: 0, output: 9 },
};

function priceOf(provider: ProviderId, model: string) {
  const price = findOffer(provider, model)?.offer.price;
  if (!price) throw new Error(`${provider}/${model} has no catalog price`);
  return price;
}

describe.each(availableBackends())('billing on %s', (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    // The custom provider below is the simulator on 127.0.0.1: allowed only with the switch on.
    g = await startGatewayEnv(backend, { ...ENV_KEYS, HOSTED_COST_MULTIPLIER: '1.5', KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true' });
  });
  afterAll(() => g?.close());

  it.each([
    ['openai', 'gpt-4o-mini'],
    ['anthropic', 'claude-haiku-4-5'],
    ['google', 'gemini-2.0-flash'],
    ['groq', 'llama-3.3-70b'],
    ['mistral', 'mistral-small'],
    ['deepseek', 'deepseek-v3'],
  ] as const)(
    '%s: cost = catalog price × tokens (cached at its own price), billed × HOSTED_COST_MULTIPLIER, debited once',
    async (provider, model) => {
      const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '2' });
      const result = await chat(g.t, tenant.secret, { model: `${provider}/${model}` });
      expect(result.status, result.text).toBe(200);
      expect([result.provider, result.keySource]).toEqual([provider, 'env']);
      const tokens = TEXT_TOKENS[provider] as { input: number; cached: number; output: number };
      const usage = await usageOf(g.t, result.requestId);
      expect(usage).toMatchObject({
        inputTokens: tokens.input,
        cachedInputTokens: tokens.cached,
        outputTokens: tokens.output,
        tokensEstimated: false,
        costKnown: true,
      });
      const upstream = expectedCostPico(priceOf(provider, model), tokens);
      expect(upstream).toBeGreaterThan(0n);
      expect(pico(usage.upstreamCostUsd)).toBe(upstream);
      expect(pico(usage.billedCostUsd)).toBe((upstream * 3n) / 2n);
      const ledger = await g.t.server.db.prisma.creditLedgerEntry.findMany({ where: { requestId: result.requestId } });
      expect(ledger.map((e) => [e.kind, pico(e.amountUsd)])).toEqual([['USAGE', -((upstream * 3n) / 2n)]]);
      expect(result.json.usage).toMatchObject({
        prompt_tokens: tokens.input,
        completion_tokens: tokens.output,
        prompt_tokens_details: { cached_tokens: tokens.cached },
      });
      await expectLedgerConsistent(g.t, tenant.organizationId);
    },
  );

  it('the organization multiplier overrides HOSTED_COST_MULTIPLIER', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', hostedCostMultiplier: '2.25' });
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    const usage = await usageOf(g.t, result.requestId);
    const upstream = expectedCostPico(priceOf('openai', 'gpt-4o-mini'), TEXT_TOKENS.openai!);
    expect(pico(usage.upstreamCostUsd)).toBe(upstream);
    expect(pico(usage.billedCostUsd)).toBe((upstream * 9n) / 4n);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('BYOK calls bill the organization fee rate: 0 by default, the rate when set (debited in API_KEYS and HYBRID)', async () => {
    const upstream = expectedCostPico(priceOf('openai', 'gpt-4o-mini'), TEXT_TOKENS.openai!);
    const free = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: fakeKey('openai') } });
    const freeUsage = await usageOf(g.t, (await chat(g.t, free.secret, { model: 'gpt-4o-mini' })).requestId);
    expect([pico(freeUsage.upstreamCostUsd), pico(freeUsage.billedCostUsd)]).toEqual([upstream, 0n]);

    // The fee is paid from credits in every mode (test/gateway/byok-fee.test.ts: without credit, 402).
    const feeApiKeys = await createTenant(g.t, { mode: 'API_KEYS', credits: '1', byokFeeRate: '0.1', byok: { openai: fakeKey('openai') } });
    const feeUsage = await usageOf(g.t, (await chat(g.t, feeApiKeys.secret, { model: 'gpt-4o-mini' })).requestId);
    expect(pico(feeUsage.billedCostUsd)).toBe(upstream / 10n);
    await expectLedgerConsistent(g.t, feeApiKeys.organizationId);

    const hybrid = await createTenant(g.t, { mode: 'HYBRID', credits: '1', byokFeeRate: '0.25', byok: { openai: fakeKey('openai') } });
    const result = await chat(g.t, hybrid.secret, { model: 'gpt-4o-mini' });
    expect(result.keySource).toBe('byok');
    const hybridUsage = await usageOf(g.t, result.requestId);
    expect(pico(hybridUsage.billedCostUsd)).toBe(upstream / 4n);
    await expectLedgerConsistent(g.t, hybrid.organizationId);
  });

  it('402 with no credits, before any upstream call', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS' });
    g.sim.clearRequests();
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(result, 402, 'insufficient_credits');
    expect(g.sim.requests).toHaveLength(0);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'FAILED', httpStatus: 402, attempts: 0 });
    expect(pico(usage.billedCostUsd)).toBe(0n);

    // HYBRID without credits still serves what costs nothing: the organization's own key, no fee.
    const hybrid = await createTenant(g.t, { mode: 'HYBRID', byok: { openai: fakeKey('openai') } });
    const keyed = await chat(g.t, hybrid.secret, { model: 'gpt-4o-mini' });
    expect([keyed.status, keyed.keySource]).toEqual([200, 'byok']);
    expectOpenAiError(await chat(g.t, hybrid.secret, { model: 'claude-haiku-4-5' }), 402);
    await expectLedgerConsistent(g.t, tenant.organizationId);
    await expectLedgerConsistent(g.t, hybrid.organizationId);
  });

  it('streaming settles exactly like the same call without streaming, multiplier included', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.0-flash']) {
      const plain = await usageOf(g.t, (await chat(g.t, tenant.secret, { model })).requestId);
      const streamed = await chat(g.t, tenant.secret, { model, stream: true });
      expect(streamed.status).toBe(200);
      const streamedUsage = await usageOf(g.t, streamed.requestId);
      expect(streamedUsage.streamed).toBe(true);
      expect(plain.streamed).toBe(false);
      for (const field of ['inputTokens', 'cachedInputTokens', 'outputTokens', 'tokensEstimated', 'status'] as const) {
        expect(streamedUsage[field], `${model} ${field}`).toEqual(plain[field]);
      }
      expect(pico(streamedUsage.upstreamCostUsd)).toBe(pico(plain.upstreamCostUsd));
      expect(pico(streamedUsage.billedCostUsd)).toBe(pico(plain.billedCostUsd));
      expect(pico(streamedUsage.billedCostUsd)).toBe((pico(plain.upstreamCostUsd) * 3n) / 2n);
    }
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('a key budget counts only billed cost and refuses with 402 once spent', async () => {
    const perCall = (expectedCostPico(priceOf('openai', 'gpt-4o-mini'), TEXT_TOKENS.openai!) * 3n) / 2n; // 12.6 µUSD
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { budgetUsd: '0.00002', budgetPeriod: 'TOTAL' } });
    // A failed call (the upstream errs on every attempt) costs nothing and does not count.
    g.sim.setKeyBehavior(ENV_KEYS.OPENAI_API_KEY, { kind: 'server-error', times: 1 });
    // Each call is settled before the next: one worst-case reservation (4096 output tokens) is
    // far above this budget, so a call while another is unsettled is refused by design.
    const settled = async (status: number) => {
      const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
      expect(result.status, result.text).toBe(status);
      await usageOf(g.t, result.requestId);
    };
    await settled(502);
    await settled(200);
    await settled(200);
    // Settled and idle: the budget leases' unused headroom goes back (it is held while leased).
    await g.t.server.gateway.leases.releaseIdle(0);
    const spend = await g.t.server.db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: tenant.gatewayKeyId, period: 'total' } },
    });
    expect(pico(spend.spentUsd)).toBe(2n * perCall);
    expect(pico(spend.reservedUsd)).toBe(0n);
    expectOpenAiError(await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' }), 402, 'budget_exceeded');
    // Another key of the project has its own budget.
    expect((await chat(g.t, (await tenant.addKey()).secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  // The catalog prices every built-in offer; an organization's own endpoint has no price.
  it('an unpriced model is recorded with costKnown = false, not billed as 0 silently', async () => {
    const tenant = await createTenant(g.t, { mode: 'HYBRID', credits: '1' });
    await g.t.gqlOk('mutation($i:SetCustomProviderInput!){ setCustomProvider(input:$i) { slug } }', {
      i: { organizationId: tenant.organizationId, slug: 'lab', name: 'Lab', baseUrl: g.sim.baseUrl('custom'), models: ['llama3'] },
    });
    // Custom providers' slugs and models are the tenant's to choose: labelled as custom / other.
    const before = metricValue(await metrics(g.t), 'keyplane_unpriced_calls_total', { provider: 'custom', model: 'other' });
    let result = await chat(g.t, tenant.secret, { model: 'lab/llama3' });
    // A new custom provider reaches the gateway's cache within a second.
    for (let i = 0; result.status !== 200 && i < 20; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await chat(g.t, tenant.secret, { model: 'lab/llama3' });
    }
    expect(result.status).toBe(200);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'SUCCESS', costKnown: false, provider: 'lab', keySource: 'byok' });
    expect(pico(usage.upstreamCostUsd)).toBe(0n);
    expect(metricValue(await metrics(g.t), 'keyplane_unpriced_calls_total', { provider: 'custom', model: 'other' })).toBe(before + 1);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
});
