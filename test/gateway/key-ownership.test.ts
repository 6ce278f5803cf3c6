/**
 * Key state belongs to the key's owner: one tenant's failures never take another tenant's key
 * out of service, a 403 about one model never takes a key out at all, and whoever owns a key
 * can put it back (operators: hosted and env keys; organization admins: their stored keys).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, seedUser } from '../support/control-plane.js';
import { clearRedisPrefix, redisAvailable, uniqueRedisPrefix } from '../support/redis.js';
import { availableBackends } from '../support/test-database.js';
import { TEST_REDIS_URL } from '../support/test-env.js';
import { chat, createTenant, fakeKey, type GatewayEnv, sleep, startGatewayEnv, type Tenant, usageOf } from './support/tenant.js';

const ENV_KEY = fakeKey('openai', 'envkey');
const POOL_KEY = fakeKey('openai', 'poolkey');

interface StoredKey {
  id: string;
  status: string;
  disabledReason: string | null;
  cooldownUntil: string | null;
}

const STORED_KEYS = 'query($id: ID!) { organization(id: $id) { providerKeys { id status disabledReason cooldownUntil } } }';
const SET_STATE =
  'mutation($id: ID!, $enabled: Boolean!) { setProviderKeyState(input: { id: $id, enabled: $enabled }) { id status disabledReason } }';

describe.each(availableBackends())('putting keys back in service (%s)', (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv(backend, { OPENAI_API_KEY: ENV_KEY });
  });
  afterAll(() => g?.close());

  const storedKey = async (organizationId: string, token?: string) => {
    const data = await g.t.gqlOk<{ organization: { providerKeys: StoredKey[] } }>(STORED_KEYS, { id: organizationId }, token);
    return data.organization.providerKeys[0] as StoredKey;
  };

  /** The provider refuses the key (its call and the key check), then takes it again: as a key revoked, then restored. */
  const rejectOnce = async (tenant: Tenant, secret: string) => {
    g.sim.setKeyBehavior(secret, { kind: 'unauthorized' });
    const refused = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    g.sim.setKeyBehavior(secret, { kind: 'ok' });
    expect(refused.status).not.toBe(200);
    expect((await usageOf(g.t, refused.requestId)).failureClass).toBe('AUTH');
  };

  it('a stored key disabled by a 401 shows why, and its ADMIN puts it back with setProviderKeyState', async () => {
    const byok = fakeKey('openai', 'byok');
    const tenant = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: byok } });
    const admin = await seedUser(g.t, tenant.organizationId, 'ADMIN');
    expect((await storedKey(tenant.organizationId, admin.token)).status).toBe('AVAILABLE');

    await rejectOnce(tenant, byok);
    const disabled = await storedKey(tenant.organizationId, admin.token);
    expect(disabled).toMatchObject({ status: 'DISABLED', cooldownUntil: null });
    expect(disabled.disabledReason).toMatch(/rejected the key/);
    const before = g.sim.requests.length;
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).not.toBe(200);
    expect(g.sim.requests.length, 'a disabled key is not called').toBe(before);

    const member = await seedUser(g.t, tenant.organizationId, 'MEMBER');
    expect(codesOf(await g.t.gql(SET_STATE, { id: disabled.id, enabled: true }, member.token))).toEqual(['FORBIDDEN']);
    const enabled = await g.t.gqlOk<{ setProviderKeyState: StoredKey }>(SET_STATE, { id: disabled.id, enabled: true }, admin.token);
    expect(enabled.setProviderKeyState).toMatchObject({ id: disabled.id, status: 'AVAILABLE', disabledReason: null });
    const served = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expect(served.status, served.text).toBe(200);
    expect(g.sim.requests.at(-1)?.apiKey).toBe(byok);

    const audit = await g.t.server.db.prisma.auditEntry.findFirst({
      where: { organizationId: tenant.organizationId, action: 'provider-key.enable' },
    });
    expect(audit).toMatchObject({ actorUserId: admin.userId, targetId: disabled.id });
    expect(JSON.stringify(audit?.details)).not.toContain(byok);
  });

  it('replacing a stored key with setProviderKey (even with the same value) clears its state', async () => {
    const byok = fakeKey('openai', 'replace');
    const tenant = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: byok } });
    await rejectOnce(tenant, byok);
    const disabled = await storedKey(tenant.organizationId);
    expect(disabled.status).toBe('DISABLED');

    const replaced = await g.t.gqlOk<{ setProviderKey: StoredKey }>(
      'mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id status disabledReason } }',
      { input: { organizationId: tenant.organizationId, provider: 'openai', key: byok } },
    );
    expect(replaced.setProviderKey).toMatchObject({ id: disabled.id, status: 'AVAILABLE', disabledReason: null });
    const served = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expect(served.status, served.text).toBe(200);
  });

  it("another organization's admin can neither read nor change a stored key's state", async () => {
    const byok = fakeKey('openai', 'victim');
    const victim = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: byok } });
    await rejectOnce(victim, byok);
    const key = await storedKey(victim.organizationId);
    const attacker = await createTenant(g.t, { mode: 'API_KEYS' });
    const intruder = await seedUser(g.t, attacker.organizationId, 'OWNER');

    const read = await g.t.gql<{ organization: unknown }>(STORED_KEYS, { id: victim.organizationId }, intruder.token);
    expect(read.data?.organization ?? null).toBeNull();
    for (const enabled of [true, false]) {
      const write = await g.t.gql<{ setProviderKeyState: unknown }>(SET_STATE, { id: key.id, enabled }, intruder.token);
      expect(write.data?.setProviderKeyState ?? null).toBeNull();
      expect(['NOT_FOUND', 'FORBIDDEN']).toContain(codesOf(write)[0]);
    }
    expect((await storedKey(victim.organizationId)).status).toBe('DISABLED');
  });

  it('an env key disabled by a 401 is listed in hostedKeyPool and re-enabled with setHostedKeyState', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    await rejectOnce(tenant, ENV_KEY);
    const envKey = async () => {
      const data = await g.t.gqlOk<{
        hostedKeyPool: { provider: string; keys: { name: string; source: string; state: string; disabledReason: string | null }[] }[];
      }>('{ hostedKeyPool { provider keys { name source state disabledReason } } }');
      return data.hostedKeyPool.find((p) => p.provider === 'openai')?.keys.find((k) => k.name === 'OPENAI_API_KEY');
    };
    expect(await envKey()).toMatchObject({ source: 'env', state: 'DISABLED' });
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).not.toBe(200);

    const enabled = await g.t.gqlOk<{ setHostedKeyState: { name: string; source: string; state: string } }>(
      'mutation { setHostedKeyState(name: "OPENAI_API_KEY", enabled: true) { name source state } }',
    );
    expect(enabled.setHostedKeyState).toEqual({ name: 'OPENAI_API_KEY', source: 'env', state: 'AVAILABLE' });
    const served = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expect(served.status, served.text).toBe(200);
    expect(served.keySource).toBe('env');
  });
});

describe('a 403 about one model', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY_1: POOL_KEY, HOSTED_KEY_LLM: 'true' });
  });
  afterAll(() => g?.close());

  it('is BAD_REQUEST and never disables the hosted key: the next request for another model is served by it', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    // OpenAI's own text: "You are not allowed to sample from this model" (403).
    g.sim.setKeyBehavior(POOL_KEY, { kind: 'forbidden', times: 1 });
    const refused = await chat(g.t, tenant.secret, { model: 'gpt-4o' });
    expect(refused.status).toBe(400);
    expect((await usageOf(g.t, refused.requestId)).failureClass).toBe('BAD_REQUEST');
    const [state] = (await g.t.server.gateway.state.keyStates(['OPENAI_API_KEY_1'])).values();
    expect(state).toMatchObject({ disabled: false, cooldownUntil: 0 });

    const served = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expect(served.status, served.text).toBe(200);
    expect(g.sim.requests.at(-1)?.apiKey).toBe(POOL_KEY);
  });
});

/** A custom provider that rejects every key, as a server with the wrong token configured would. */
async function startRejectingUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: { message: 'Invalid authentication credentials', type: 'invalid_request_error', code: 'invalid_api_key' } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

const prefix = uniqueRedisPrefix();
const stateStores: { store: string; env: Record<string, string> }[] = [
  { store: 'in-memory state', env: {} },
  ...((await redisAvailable()) ? [{ store: 'Redis state', env: { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix } }] : []),
];

describe.each(stateStores)('two organizations with the same custom provider slug ($store)', ({ env }) => {
  let g: GatewayEnv;
  let rejecting: { url: string; server: Server };
  beforeAll(async () => {
    rejecting = await startRejectingUpstream();
    g = await startGatewayEnv('pglite', { KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true', ...env });
  });
  afterAll(async () => {
    await g?.close();
    rejecting?.server.close();
    await clearRedisPrefix(prefix);
  });

  const addLocal = (organizationId: string, baseUrl: string) =>
    g.t.gqlOk('mutation($i: SetCustomProviderInput!) { setCustomProvider(input: $i) { slug } }', {
      i: { organizationId, slug: 'local', name: 'Local', baseUrl, models: ['llama3'] },
    });

  /** The first call once the gateway's cache has the new provider. */
  const firstCall = async (tenant: Tenant) => {
    let result = await chat(g.t, tenant.secret, { model: 'local/llama3' });
    for (let i = 0; result.status === 404 && i < 30; i += 1) {
      await sleep(100);
      result = await chat(g.t, tenant.secret, { model: 'local/llama3' });
    }
    return result;
  };

  it("A's provider answering 401 again and again never stops B's provider from being served", async () => {
    const a = await createTenant(g.t, { mode: 'API_KEYS' });
    const b = await createTenant(g.t, { mode: 'API_KEYS' });
    await addLocal(a.organizationId, rejecting.url);
    await addLocal(b.organizationId, g.sim.baseUrl('custom'));

    const rejected = await firstCall(a);
    expect(rejected.status).not.toBe(200);
    expect((await usageOf(g.t, rejected.requestId)).failureClass).toBe('AUTH');
    expect((await firstCall(b)).status).toBe(200);
    for (let i = 0; i < 3; i += 1) {
      expect((await chat(g.t, a.secret, { model: 'local/llama3' })).status).not.toBe(200);
      const served = await chat(g.t, b.secret, { model: 'local/llama3' });
      expect(served.status, served.text).toBe(200);
      expect((await usageOf(g.t, served.requestId)).keyRef).toBe('custom:local');
    }
  });
});
