import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUsage } from '../../tools/simulator/upstream-simulator.js';
import { availableBackends } from '../support/test-database.js';
import { chat, createTenant, expectLedgerConsistent, fakeKey, type GatewayEnv, pico, startGatewayEnv, usageOf } from './support/tenant.js';

const ENV_KEYS = {
  OPENAI_API_KEY: fakeKey('openai'),
  ANTHROPIC_API_KEY: fakeKey('anthropic'),
  GOOGLE_API_KEY: fakeKey('google'),
};

const PRICE_DATA = '@pydantic/genai-prices 0.1.8';

/**
 * Bills as providers publish them, end to end: the simulator reports the token counts a test
 * gives it (in each provider's own usage shape), the gateway prices and records them.
 */
describe.each(availableBackends())('published prices, billed end to end on %s', (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv(backend, ENV_KEYS);
  });
  afterAll(() => g?.close());

  /** The next call with the platform's key for this provider reports `usage`. */
  const reportUsage = (key: string, usage: SimUsage) => g.sim.setKeyBehavior(key, { kind: 'usage', usage, times: 1 });

  it.each([false, true])('Gemini 2.5 Pro: a 250,000-token prompt is billed at the long-context tier (stream: %s)', async (stream) => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    reportUsage(ENV_KEYS.GOOGLE_API_KEY, { inputTokens: 250_000, outputTokens: 1_000 });
    const result = await chat(g.t, tenant.secret, { model: 'google/gemini-2.5-pro', stream });
    expect(result.status, result.text).toBe(200);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ inputTokens: 250_000, outputTokens: 1_000, costKnown: true, priceSource: PRICE_DATA });
    // 250,000 × $2.50/M (the >200k tier, not $1.25) + 1,000 × $15/M = $0.625 + $0.015 = $0.64.
    expect(pico(usage.upstreamCostUsd)).toBe(640_000_000_000n);
    expect(pico(usage.billedCostUsd)).toBe(640_000_000_000n);
    expect(usage.unitPrices).toEqual({ input: '2.5', cachedInput: '0.25', cacheWrite: '2.5', cacheWrite1h: '2.5', output: '15' });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it.each([false, true])('Claude Sonnet 4.5: cache writes are billed at the write price (stream: %s)', async (stream) => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    reportUsage(ENV_KEYS.ANTHROPIC_API_KEY, { inputTokens: 150_000, cacheWriteTokens: 1_000, outputTokens: 1_000 });
    const result = await chat(g.t, tenant.secret, { model: 'anthropic/claude-sonnet-4-5-20250929', stream });
    expect(result.status, result.text).toBe(200);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ inputTokens: 150_000, cachedInputTokens: 0, cacheWriteTokens: 1_000, cacheWrite1hTokens: 0 });
    // 149,000 × $3/M + 1,000 writes × $3.75/M + 1,000 output × $15/M = $0.447 + $0.00375 + $0.015 = $0.46575.
    expect(pico(usage.upstreamCostUsd)).toBe(465_750_000_000n);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('Claude Sonnet 4.5: 1-hour cache writes and cache reads at their own prices', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    reportUsage(ENV_KEYS.ANTHROPIC_API_KEY, {
      inputTokens: 10_000,
      cachedInputTokens: 1_000,
      cacheWriteTokens: 2_000,
      cacheWrite1hTokens: 4_000,
      outputTokens: 500,
    });
    const result = await chat(g.t, tenant.secret, { model: 'anthropic/claude-sonnet-4-5', stream: true });
    expect(result.status, result.text).toBe(200);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ inputTokens: 10_000, cachedInputTokens: 1_000, cacheWriteTokens: 2_000, cacheWrite1hTokens: 4_000 });
    // 3,000 × $3 + 1,000 × $0.30 + 2,000 × $3.75 + 4,000 × $6 + 500 × $15, per 1M = $0.0483.
    expect(pico(usage.upstreamCostUsd)).toBe(48_300_000_000n);
    expect(usage.unitPrices).toEqual({ input: '3', cachedInput: '0.3', cacheWrite: '3.75', cacheWrite1h: '6', output: '15' });
    const { requestLog } = await g.t.gqlOk<{ requestLog: Record<string, unknown> }>(
      'query($id: String!) { requestLog(requestId: $id) { inputTokens cacheWriteTokens cacheWrite1hTokens reasoningTokens unitPrices priceSource } }',
      { id: result.requestId },
    );
    expect(requestLog).toEqual({
      inputTokens: 10_000,
      cacheWriteTokens: 2_000,
      cacheWrite1hTokens: 4_000,
      reasoningTokens: 0,
      unitPrices: usage.unitPrices,
      priceSource: PRICE_DATA,
    });
  });

  it('OpenAI gpt-5: cached input at its price, reasoning tokens recorded and billed as output', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    reportUsage(ENV_KEYS.OPENAI_API_KEY, { inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 3_000, reasoningTokens: 2_000 });
    const result = await chat(g.t, tenant.secret, { model: 'openai/gpt-5' });
    expect(result.status, result.text).toBe(200);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 3_000, reasoningTokens: 2_000 });
    // 6,000 × $1.25 + 4,000 × $0.125 + 3,000 × $10, per 1M = $0.0075 + $0.0005 + $0.03 = $0.038.
    expect(pico(usage.upstreamCostUsd)).toBe(38_000_000_000n);
  });

  it('a price set later changes the next request, never a past record', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    const usage = { inputTokens: 1_000_000, outputTokens: 100_000 };
    reportUsage(ENV_KEYS.OPENAI_API_KEY, usage);
    const before = await chat(g.t, tenant.secret, { model: 'openai/gpt-4.1' });
    const past = await usageOf(g.t, before.requestId);
    // 1,000,000 × $2/M + 100,000 × $8/M = $2.80.
    expect(pico(past.upstreamCostUsd)).toBe(2_800_000_000_000n);

    const { setModelPrice } = await g.t.gqlOk<{ setModelPrice: { id: string } }>(
      'mutation($input: SetModelPriceInput!) { setModelPrice(input: $input) { id } }',
      {
        input: {
          provider: 'openai',
          model: 'gpt-4.1',
          organizationId: tenant.organizationId,
          inputUsdPerMtok: '1.5',
          outputUsdPerMtok: '6',
          effectiveFrom: new Date(Date.now() - 1_000).toISOString(),
        },
      },
    );
    reportUsage(ENV_KEYS.OPENAI_API_KEY, usage);
    const after = await chat(g.t, tenant.secret, { model: 'openai/gpt-4.1' });
    const next = await usageOf(g.t, after.requestId);
    // 1,000,000 × $1.50/M + 100,000 × $6/M = $2.10; cache reads keep the published $0.50.
    expect(pico(next.upstreamCostUsd)).toBe(2_100_000_000_000n);
    expect(next.priceSource).toMatch(new RegExp(`^override ${setModelPrice.id} \\(organization\\) from \\d{4}-\\d{2}-\\d{2}$`));
    expect(next.unitPrices).toMatchObject({ input: '1.5', cachedInput: '0.5', output: '6' });

    const reread = await g.t.server.db.prisma.usageRecord.findUnique({ where: { requestId: before.requestId } });
    expect(reread).toMatchObject({ priceSource: PRICE_DATA, unitPrices: past.unitPrices });
    expect(pico(reread?.upstreamCostUsd)).toBe(2_800_000_000_000n);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
  /** A passed-through call (Anthropic Messages, or Responses to OpenAI) on the platform's key, as a client sends it. */
  const passThrough = async (path: '/v1/messages' | '/v1/responses', secret: string, body: Record<string, unknown>) => {
    const response = await fetch(`${g.t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return { text, requestId: response.headers.get('x-keyplane-request-id') as string };
  };

  it.each([false, true])("Claude's web searches are billed per search at $10 per 1,000, beside the tokens (stream: %s)", async (stream) => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    reportUsage(ENV_KEYS.ANTHROPIC_API_KEY, { inputTokens: 1_000, outputTokens: 200, webSearches: 3 });
    const tools = [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }];
    const messages = [{ role: 'user', content: 'What changed in keyplane this week?' }];
    const sent = await passThrough('/v1/messages', tenant.secret, { model: 'claude-sonnet-4-5', max_tokens: 512, tools, messages, stream });
    const usage = await usageOf(g.t, sent.requestId);
    expect(usage).toMatchObject({ status: 'SUCCESS', inputTokens: 1_000, outputTokens: 200, webSearches: 3, tokensEstimated: false });
    // 1,000 × $3/M + 200 × $15/M + 3 searches × $10/1,000 = $0.003 + $0.003 + $0.03 = $0.036.
    expect(pico(usage.upstreamCostUsd)).toBe(36_000_000_000n);
    expect(pico(usage.billedCostUsd)).toBe(36_000_000_000n);
    expect(usage.unitPrices).toMatchObject({ input: '3', output: '15', webSearch: '10' });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it.each([false, true])(
    "OpenAI's web_search_call items are billed per search (Responses, as Codex sends web_search; stream: %s)",
    async (stream) => {
      const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
      reportUsage(ENV_KEYS.OPENAI_API_KEY, { inputTokens: 2_000, outputTokens: 100, webSearches: 2 });
      const sent = await passThrough('/v1/responses', tenant.secret, {
        model: 'openai/gpt-4.1',
        input: 'Search the web for keyplane',
        tools: [{ type: 'web_search' }],
        stream,
      });
      const usage = await usageOf(g.t, sent.requestId);
      expect(usage).toMatchObject({ status: 'SUCCESS', inputTokens: 2_000, outputTokens: 100, webSearches: 2 });
      // gpt-4.1: 2,000 × $2/M + 100 × $8/M + 2 × $10/1,000 = $0.004 + $0.0008 + $0.02 = $0.0248.
      expect(usage.unitPrices).toMatchObject({ input: '2', output: '8', webSearch: '10' });
      expect(pico(usage.upstreamCostUsd)).toBe(24_800_000_000n);
      const { requestLog } = await g.t.gqlOk<{ requestLog: { webSearches: number } }>(
        'query($id: String!) { requestLog(requestId: $id) { webSearches } }',
        { id: sent.requestId },
      );
      expect(requestLog.webSearches).toBe(2);
      await expectLedgerConsistent(g.t, tenant.organizationId);
    },
  );

  it('a call without searches has no search price on its record', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    const result = await chat(g.t, tenant.secret, { model: 'openai/gpt-4.1' });
    const usage = await usageOf(g.t, result.requestId);
    expect(usage.webSearches).toBe(0);
    expect(Object.keys(usage.unitPrices as object)).not.toContain('webSearch');
  });
});
