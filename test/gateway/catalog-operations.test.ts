import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPico } from '../../shared/money.js';
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

const KEYS = { openai: fakeKey('openai', 'envcat'), groq: fakeKey('groq', 'envcat') };
/** A fine-tune no price data knows. */
const UNPRICED = 'openai/ft:custom-base:acme::cat1';

const SET_FLAG = 'mutation($input: SetFeatureFlagInput!) { setFeatureFlag(input: $input) { key } }';
const SET_PRICE = 'mutation($input: SetModelPriceInput!) { setModelPrice(input: $input) { id } }';
const SET_ALIAS = 'mutation($input: SetModelAliasInput!) { setModelAlias(input: $input) { id } }';

/** What operators change through GraphQL, seen by the gateway on the next request. */
describe('catalog operations reach the gateway', () => {
  let g: GatewayEnv;

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: KEYS.openai, GROQ_API_KEY: KEYS.groq });
  });
  afterAll(() => g?.close());

  const refuseUnpriced = (organizationId: string) =>
    g.t.gqlOk(SET_FLAG, { input: { key: 'refuse-unpriced-credits', enabled: true, organizationId } });

  it('unpriced models are served and marked by default, in CREDITS mode too', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const result = await chat(g.t, tenant.secret, { model: UNPRICED });
    expect(result.status, result.text).toBe(200);
    expect(await usageOf(g.t, result.requestId)).toMatchObject({ status: 'SUCCESS', costKnown: false });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('an unpriced model on a platform key is refused with 402 at a zero balance, before any upstream call', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS' });
    const before = g.sim.requests.length;
    expectOpenAiError(await chat(g.t, tenant.secret, { model: UNPRICED }), 402, 'insufficient_credits');
    expect(g.sim.requests.length).toBe(before);
    // HYBRID at a zero balance: the organization's own key (no fee) still serves it.
    const hybrid = await createTenant(g.t, { mode: 'HYBRID', byok: { openai: fakeKey('openai', 'hybrid') } });
    const served = await chat(g.t, hybrid.secret, { model: UNPRICED });
    expect(served.status, served.text).toBe(200);
    expect(served.keySource).toBe('byok');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('with refuse-unpriced-credits on, CREDITS refuses an unpriced model with 403 model_unpriced until an operator prices it', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    await refuseUnpriced(tenant.organizationId);
    const refused = await chat(g.t, tenant.secret, { model: UNPRICED });
    expectOpenAiError(refused, 403, 'model_unpriced');
    expect(refused.json.error.message).toContain('setModelPrice');
    // Priced models still serve.
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).toBe(200);

    await g.t.gqlOk(SET_PRICE, {
      input: { provider: 'openai', model: UNPRICED.slice('openai/'.length), inputUsdPerMtok: '1', outputUsdPerMtok: '2' },
    });
    const served = await chat(g.t, tenant.secret, { model: UNPRICED });
    expect(served.status, served.text).toBe(200);
    expect(await usageOf(g.t, served.requestId)).toMatchObject({ costKnown: true });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('with the flag on, API_KEYS (the organization pays its provider) still serves unpriced models', async () => {
    const tenant = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: fakeKey('openai') } });
    await refuseUnpriced(tenant.organizationId);
    const result = await chat(g.t, tenant.secret, { model: 'openai/ft:custom-base:acme::cat2' });
    expect(result.status, result.text).toBe(200);
    expect(result.keySource).toBe('byok');
    expect(await usageOf(g.t, result.requestId)).toMatchObject({ costKnown: false });
  });

  it('an alias set through GraphQL routes the next request', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    expectOpenAiError(await chat(g.t, tenant.secret, { model: 'speedy' }), 404, 'model_not_found');
    await g.t.gqlOk(SET_ALIAS, { input: { name: 'speedy', targets: ['groq/llama-3.3-70b-versatile', 'openai/gpt-4o-mini'] } });
    const result = await chat(g.t, tenant.secret, { model: 'speedy' });
    expect(result.status, result.text).toBe(200);
    expect(result.provider).toBe('groq');
    expect(g.sim.requests.at(-1)).toMatchObject({ provider: 'groq', model: 'llama-3.3-70b-versatile' });
  });

  it('an override changes the next request’s cost and not past records; an organization’s rate only for it', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const other = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const before = await chat(g.t, tenant.secret, { model: 'openai/gpt-4.1-mini' });
    const beforeRecord = await usageOf(g.t, before.requestId);
    expect(beforeRecord.costKnown).toBe(true);

    await g.t.gqlOk(SET_PRICE, {
      input: {
        provider: 'openai',
        model: 'gpt-4.1-mini',
        organizationId: tenant.organizationId,
        inputUsdPerMtok: '1000',
        outputUsdPerMtok: '1000',
      },
    });
    const after = await chat(g.t, tenant.secret, { model: 'openai/gpt-4.1-mini' });
    const afterRecord = await usageOf(g.t, after.requestId);
    // $1000 per 1M input or output tokens = 1e9 pico-USD a token; cache reads keep the published $0.10 per 1M.
    const { inputTokens, cachedInputTokens, outputTokens } = afterRecord;
    const expected = BigInt(inputTokens - cachedInputTokens + outputTokens) * 1_000_000_000n + BigInt(cachedInputTokens) * 100_000n;
    expect(toPico(afterRecord.upstreamCostUsd)).toBe(expected);
    expect(afterRecord.priceSource).toContain('override');

    const unchanged = await usageOf(g.t, before.requestId);
    expect(unchanged.upstreamCostUsd?.toString()).toBe(beforeRecord.upstreamCostUsd?.toString());
    const otherRecord = await usageOf(g.t, (await chat(g.t, other.secret, { model: 'openai/gpt-4.1-mini' })).requestId);
    expect(otherRecord.priceSource ?? '').not.toContain('override');
    for (const t of [tenant, other]) await expectLedgerConsistent(g.t, t.organizationId);
  });
});
