import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectNoSecrets,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  sleep,
  startGatewayEnv,
  usageOf,
} from './support/tenant.js';

const ENV_KEY = fakeKey('openai', 'envlegacy');
const POOL_KEY = fakeKey('openai', 'pool1');

/** Key sources and precedence, per project mode, and the gateway's refusals. */
describe('key sources, precedence and refusals', () => {
  let g: GatewayEnv;
  const seeded: string[] = [ENV_KEY, POOL_KEY];
  const lastUpstreamKey = () => g.sim.requests.at(-1)?.apiKey;

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: ENV_KEY, OPENAI_API_KEY_1: POOL_KEY });
  });
  afterAll(() => g?.close());

  it('API_KEYS: the caller header key for `provider/model`, with the response headers', async () => {
    const tenant = await createTenant(g.t, { mode: 'API_KEYS' });
    const userKey = fakeKey('openai', 'user');
    seeded.push(userKey);
    const result = await chat(g.t, tenant.secret, { model: 'openai/gpt-4o-mini' }, { 'x-provider-api-key': userKey });
    expect(result.status, result.text).toBe(200);
    expect(result.keySource).toBe('user');
    expect(result.provider).toBe('openai');
    expect(result.requestId).toMatch(/\S{8,}/);
    expect(lastUpstreamKey()).toBe(userKey);
    expect(result.json.choices[0].message.content).toBe('Hello! How can I help you today?');
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ keySource: 'user', provider: 'openai', status: 'SUCCESS', gatewayKeyId: tenant.gatewayKeyId });
    expect(usage.keyRef).not.toContain(userKey);
  });

  it('API_KEYS: the header key is for one provider — a bare model several providers serve is refused, not routed', async () => {
    const tenant = await createTenant(g.t, { mode: 'API_KEYS' });
    const before = g.sim.requests.length;
    const result = await chat(g.t, tenant.secret, { model: 'llama-3.3-70b' }, { 'x-provider-api-key': fakeKey('groq') });
    expectOpenAiError(result, 400, 'invalid_request');
    expect(g.sim.requests.length).toBe(before);
  });

  it('API_KEYS: the stored BYOK key; never the platform keys; 403 without a key', async () => {
    const byok = fakeKey('openai', 'byok');
    seeded.push(byok);
    const keyed = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: byok } });
    const result = await chat(g.t, keyed.secret, { model: 'gpt-4o-mini' });
    expect(result.status, result.text).toBe(200);
    expect(result.keySource).toBe('byok');
    expect(lastUpstreamKey()).toBe(byok);

    const keyless = await createTenant(g.t, { mode: 'API_KEYS', projectFlag: true });
    const before = g.sim.requests.length;
    const refused = await chat(g.t, keyless.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(refused, 403, 'no_key_source');
    expect(g.sim.requests.length).toBe(before);
  });

  it('user beats byok unless the project sets preferStoredKeys', async () => {
    const byok = fakeKey('openai', 'byokprec');
    const user = fakeKey('openai', 'userprec');
    seeded.push(byok, user);
    const plain = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: byok } });
    const first = await chat(g.t, plain.secret, { model: 'openai/gpt-4o-mini' }, { 'x-provider-api-key': user });
    expect(first.keySource).toBe('user');
    expect(lastUpstreamKey()).toBe(user);

    const preferring = await createTenant(g.t, { mode: 'API_KEYS', preferStoredKeys: true, byok: { openai: byok } });
    const second = await chat(g.t, preferring.secret, { model: 'openai/gpt-4o-mini' }, { 'x-provider-api-key': user });
    expect(second.keySource).toBe('byok');
    expect(lastUpstreamKey()).toBe(byok);
  });

  it('CREDITS: env key with the flag off, hosted pool with it on; never the caller or BYOK key', async () => {
    const byok = fakeKey('openai', 'byokcredits');
    seeded.push(byok);
    const envTenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5', byok: { openai: byok } });
    const viaEnv = await chat(g.t, envTenant.secret, { model: 'openai/gpt-4o-mini' }, { 'x-provider-api-key': fakeKey('openai') });
    expect(viaEnv.status, viaEnv.text).toBe(200);
    expect(viaEnv.keySource).toBe('env');
    expect(lastUpstreamKey()).toBe(ENV_KEY);
    expect((await usageOf(g.t, viaEnv.requestId)).keyRef).toBe('OPENAI_API_KEY');

    const hostedTenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5', projectFlag: true });
    const viaPool = await chat(g.t, hostedTenant.secret, { model: 'gpt-4o-mini' });
    expect(viaPool.status, viaPool.text).toBe(200);
    expect(viaPool.keySource).toBe('hosted');
    expect(lastUpstreamKey()).toBe(POOL_KEY);
    expect((await usageOf(g.t, viaPool.requestId)).keyRef).toBe('OPENAI_API_KEY_1');
    await expectLedgerConsistent(g.t, envTenant.organizationId);
    await expectLedgerConsistent(g.t, hostedTenant.organizationId);
  });

  it('HYBRID: user, then byok, then hosted, then env', async () => {
    const byok = fakeKey('openai', 'byokhybrid');
    const user = fakeKey('openai', 'userhybrid');
    seeded.push(byok, user);
    const withByok = await createTenant(g.t, { mode: 'HYBRID', credits: '5', byok: { openai: byok }, projectFlag: true });
    expect((await chat(g.t, withByok.secret, { model: 'openai/gpt-4o-mini' }, { 'x-provider-api-key': user })).keySource).toBe('user');
    expect(lastUpstreamKey()).toBe(user);
    expect((await chat(g.t, withByok.secret, { model: 'openai/gpt-4o-mini' })).keySource).toBe('byok');
    expect(lastUpstreamKey()).toBe(byok);

    const hostedOnly = await createTenant(g.t, { mode: 'HYBRID', credits: '5', projectFlag: true });
    expect((await chat(g.t, hostedOnly.secret, { model: 'gpt-4o-mini' })).keySource).toBe('hosted');
    expect(lastUpstreamKey()).toBe(POOL_KEY);

    const envOnly = await createTenant(g.t, { mode: 'HYBRID', credits: '5' });
    expect((await chat(g.t, envOnly.secret, { model: 'gpt-4o-mini' })).keySource).toBe('env');
    expect(lastUpstreamKey()).toBe(ENV_KEY);
    for (const tenant of [withByok, hostedOnly, envOnly]) await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('a project mode change applies within about a second', async () => {
    const byok = fakeKey('openai', 'byokmode');
    seeded.push(byok);
    const tenant = await createTenant(g.t, { mode: 'API_KEYS', credits: '1', byok: { openai: byok } });
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).keySource).toBe('byok');
    await g.t.gqlOk('mutation($id: ID!, $input: UpdateProjectInput!) { updateProject(id: $id, input: $input) { id mode } }', {
      id: tenant.projectId,
      input: { mode: 'CREDITS' },
    });
    await sleep(1_100);
    const after = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expect(after.keySource).toBe('env');
    expect(lastUpstreamKey()).toBe(ENV_KEY);
  });

  it('404 unknown model, 400 invalid body, neither reaching upstream', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const before = g.sim.requests.length;
    expectOpenAiError(await chat(g.t, tenant.secret, { model: 'no-such-model-xyz' }), 404, 'model_not_found');
    // `provider/<any name>` is served (an open name); a bare name nothing knows is not.
    expectOpenAiError(await chat(g.t, tenant.secret, { model: 'no-such-model' }), 404);
    expectOpenAiError(await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', messages: [] }), 400);
    expectOpenAiError(await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', temperature: 7 }), 400);
    const notJson = await g.t.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.secret}` },
      body: '{"model": "gpt-4o-mini", ',
    });
    expect(notJson.status).toBe(400);
    expect(g.sim.requests.length).toBe(before);
  });

  it('401 for a missing, malformed or unknown gateway key', async () => {
    expectOpenAiError(await chat(g.t, null, { model: 'gpt-4o-mini' }), 401);
    expectOpenAiError(await chat(g.t, 'not-a-key', { model: 'gpt-4o-mini' }), 401);
    expectOpenAiError(await chat(g.t, `kp_${'A'.repeat(40)}`, { model: 'gpt-4o-mini' }), 401, 'invalid_api_key');
  });

  it('revocation applies within a second; an expired key is refused', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    await g.t.gqlOk('mutation($id: ID!) { revokeGatewayKey(id: $id) { id revokedAt } }', { id: tenant.gatewayKeyId });
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3_000) {
      status = (await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status;
      if (status === 200) await sleep(100);
    }
    expect(status).toBe(401);
    // One second of identity cache, plus the latency of the polling request on a loaded machine.
    expect(Date.now() - revokedAt).toBeLessThan(2_000);

    const expiring = await tenant.addKey({ expiresAt: new Date(Date.now() + 1_200).toISOString() });
    expect((await chat(g.t, expiring.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    await sleep(1_300);
    expectOpenAiError(await chat(g.t, expiring.secret, { model: 'gpt-4o-mini' }), 401, 'expired_api_key');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('allowedModels limits the models a key may use', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { allowedModels: ['gpt-4o-mini'] } });
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    expect((await chat(g.t, tenant.secret, { model: 'openai/gpt-4o-mini' })).status).toBe(200);
    const before = g.sim.requests.length;
    expectOpenAiError(await chat(g.t, tenant.secret, { model: 'gpt-4o' }), 403);
    expect(g.sim.requests.length).toBe(before);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('rpmLimit answers 429 with Retry-After; refused-early requests do not count', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { rpmLimit: 2 } });
    for (let i = 0; i < 3; i += 1) {
      expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', messages: [] })).status).toBe(400);
      expect((await chat(g.t, tenant.secret, { model: 'unknown-model-q' })).status).toBe(404);
    }
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    const limited = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another key of the same project has its own limit.
    const other = await tenant.addKey({ rpmLimit: 2 });
    expect((await chat(g.t, other.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('never logs or echoes a provider key', () => {
    expectNoSecrets(g.t, seeded);
  });
});
