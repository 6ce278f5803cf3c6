import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectNoSecrets,
  fakeKey,
  type GatewayEnv,
  metrics,
  metricValue,
  pico,
  startGatewayEnv,
  usageOf,
} from './support/tenant.js';

const ENV_KEY = fakeKey('openai', 'boundaryenv');
const POOL_KEY = fakeKey('openai', 'boundarypool');
const ATTACKER_KEY = fakeKey('openai', 'attacker');

/** Body fields and headers a client might try to steer the key, the source or the bill with. */
const INTERNAL_FIELDS = {
  keySource: 'hosted',
  key_source: 'hosted',
  hosted: true,
  hostedKeyLlm: true,
  'x-keyplane-key-source': 'hosted',
  'x-keyplane-provider': 'anthropic',
  api_key: ATTACKER_KEY,
  apiKey: ATTACKER_KEY,
  provider_key: ATTACKER_KEY,
  providerKey: ATTACKER_KEY,
  keyRef: 'OPENAI_API_KEY_1',
  billedCostUsd: 0,
  billingRate: '0',
  costMultiplier: 0,
  cost_multiplier: 0,
};
const INTERNAL_HEADERS = {
  'x-keyplane-key-source': 'hosted',
  'x-keyplane-hosted': 'true',
  'x-keyplane-billing-rate': '0',
  'x-keyplane-organization': 'someone-else',
};

describe('gateway boundaries: internal fields, metrics, models, secrets', () => {
  let g: GatewayEnv;
  const seeded = [ENV_KEY, POOL_KEY, ATTACKER_KEY];
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: ENV_KEY, OPENAI_API_KEY_1: POOL_KEY, HOSTED_COST_MULTIPLIER: '1.5' });
  });
  afterAll(() => g?.close());

  it.each([
    ['CREDITS', 'env'],
    ['API_KEYS', 'byok'],
  ] as const)('%s: client-supplied internal fields change neither the key used nor the bill', async (mode, source) => {
    const byok = fakeKey('openai', 'boundarybyok');
    seeded.push(byok);
    const tenant = await createTenant(g.t, { mode, credits: '1', ...(mode === 'API_KEYS' ? { byok: { openai: byok } } : {}) });
    const expectedKey = source === 'env' ? ENV_KEY : byok;

    const baseline = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    const steered = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', ...INTERNAL_FIELDS }, INTERNAL_HEADERS);
    for (const result of [baseline, steered]) {
      expect(result.status, result.text).toBe(200);
      expect([result.provider, result.keySource]).toEqual(['openai', source]);
    }
    const [baseRequest, steeredRequest] = g.sim.requests.slice(-2);
    expect(baseRequest?.apiKey).toBe(expectedKey);
    expect(steeredRequest?.apiKey).toBe(expectedKey);
    expect(steeredRequest?.headers.authorization).toBe(`Bearer ${expectedKey}`);

    const [a, b] = [await usageOf(g.t, baseline.requestId), await usageOf(g.t, steered.requestId)];
    expect(b.keySource).toBe(a.keySource);
    expect(b.keyRef).toBe(a.keyRef);
    expect(pico(b.upstreamCostUsd)).toBe(pico(a.upstreamCostUsd));
    expect(pico(b.billedCostUsd)).toBe(pico(a.billedCostUsd));
    if (mode === 'CREDITS') expect(pico(b.billedCostUsd)).toBe((pico(b.upstreamCostUsd) * 3n) / 2n);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('/metrics: requests by key source, durations, hosted series by key name, no secret', async () => {
    const hosted = await createTenant(g.t, { mode: 'CREDITS', credits: '1', projectFlag: true });
    expect((await chat(g.t, hosted.secret, { model: 'gpt-4o-mini' })).keySource).toBe('hosted');
    const response = await g.t.fetch('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    for (const source of ['env', 'byok', 'hosted']) {
      expect(
        metricValue(text, 'keyplane_requests_total', { provider: 'openai', model: 'gpt-4o-mini', status: 'SUCCESS', key_source: source }),
      ).toBeGreaterThan(0);
    }
    expect(metricValue(text, 'keyplane_request_duration_seconds_count', { provider: 'openai', status: 'SUCCESS' })).toBeGreaterThan(0);
    expect(metricValue(text, 'keyplane_hosted_key_used_total', { provider: 'openai', key_name: 'OPENAI_API_KEY_1' })).toBe(1);
    expect(metricValue(text, 'keyplane_hosted_key_cost_charged_usd_total', { key_name: 'OPENAI_API_KEY_1' })).toBeCloseTo(12.6e-6, 12);
    for (const secret of seeded) expect(text).not.toContain(secret);
    await expectLedgerConsistent(g.t, hosted.organizationId);
  });

  it('/metrics labels never carry what the client typed as a model (bounded cardinality)', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const junk = Array.from({ length: 5 }, (_, i) => `made-up-model-${i}-${Date.now()}`);
    for (const model of junk) expect((await chat(g.t, tenant.secret, { model })).status).toBe(404);
    // Open names ("provider/<anything>") route, so they are served and counted: as "other".
    const open = Array.from({ length: 3 }, (_, i) => `open-junk-${i}-${Date.now()}`);
    for (const name of open) expect((await chat(g.t, tenant.secret, { model: `openai/${name}` })).status).toBeLessThan(500);
    const text = await metrics(g.t);
    for (const model of [...junk, ...open]) expect(text).not.toContain(model);
    expect(metricValue(text, 'keyplane_requests_total', { status: 'FAILED', key_source: 'none' })).toBeGreaterThanOrEqual(5);
    expect(metricValue(text, 'keyplane_requests_total', { provider: 'openai', model: 'other' })).toBeGreaterThanOrEqual(3);
  });

  it('GET /v1/models lists what the key can use, in OpenAI list shape', async () => {
    expect((await g.t.fetch('/v1/models')).status).toBe(401);
    const credits = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const list = async (secret: string) => {
      const response = await g.t.fetch('/v1/models', { headers: { authorization: `Bearer ${secret}` } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { object: string; data: { id: string; object: string; owned_by: string }[] };
      expect(body.object).toBe('list');
      for (const model of body.data) expect(model).toMatchObject({ id: expect.any(String), object: 'model', owned_by: expect.any(String) });
      return body.data.map((m) => m.id);
    };
    const all = await list(credits.secret);
    expect(all).toEqual(expect.arrayContaining(['gpt-4o-mini', 'openai/gpt-4o-mini', 'gpt-5']));
    // Only openai has a platform key on this server.
    expect(all).not.toContain('claude-haiku-4-5');

    const byokOnly = await createTenant(g.t, { mode: 'API_KEYS', byok: { groq: fakeKey('groq') } });
    const groqModels = await list(byokOnly.secret);
    expect(groqModels).toContain('llama-3.3-70b');
    expect(groqModels).not.toContain('gpt-4o-mini');

    const restricted = await credits.addKey({ allowedModels: ['gpt-4o-mini'] });
    expect((await list(restricted.secret)).filter((id) => !id.endsWith('gpt-4o-mini'))).toEqual([]);
  });

  it('never logs or answers a secret: pool, env, BYOK, caller and attacker keys', async () => {
    const userKey = fakeKey('openai', 'callerheader');
    seeded.push(userKey);
    const tenant = await createTenant(g.t, { mode: 'API_KEYS' });
    g.sim.setKeyBehavior(userKey, { kind: 'unauthorized', times: 1 });
    const failed = await chat(g.t, tenant.secret, { model: 'openai/gpt-4o-mini' }, { 'x-provider-api-key': userKey });
    expect(failed.status).toBe(502);
    expect((await chat(g.t, tenant.secret, { model: 'openai/gpt-4o-mini' }, { 'x-provider-api-key': userKey })).status).toBe(200);
    const usage = await usageOf(g.t, failed.requestId);
    expect(JSON.stringify(usage)).not.toContain(userKey);
    await g.t.server.gateway.writer.flush();
    const rows = await g.t.server.db.prisma.usageRecord.findMany();
    const stored = JSON.stringify(rows);
    for (const secret of seeded) expect(stored).not.toContain(secret);
    expectNoSecrets(g.t, seeded);
    // Gateway key secrets (kp_…) are in GraphQL replies by design, but never in a log line.
    expect(g.t.logs.filter((line) => /kp_[A-Za-z0-9]{20,}/.test(line))).toEqual([]);
    expect(g.t.logs.filter((line) => line.includes(tenant.secret))).toEqual([]);
  });
});
