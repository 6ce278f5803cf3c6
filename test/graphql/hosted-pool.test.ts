import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../server/db/generated/client.js';
import { codesOf, expectAudit, type SeededUser, seedOrganization, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const POOL = `{ hostedKeyPool { provider keys { provider name source state cooldownUntil disabledReason lastUsedAt
  lastHour { requests failures billedCostUsd } lastDay { requests failures billedCostUsd } } } }`;
const SET_STATE = `mutation($name: String!, $enabled: Boolean!) { setHostedKeyState(name: $name, enabled: $enabled) {
  name state cooldownUntil disabledReason } }`;
const SETTINGS = '{ providerSettings { provider mode requestsPerMinute queueTimeoutMs updatedAt } }';
const SET_LIMITER = `mutation($input: SetProviderLimiterInput!) { setProviderLimiter(input: $input) {
  provider mode requestsPerMinute queueTimeoutMs updatedAt } }`;

interface HostedKey {
  provider: string;
  name: string;
  state: string;
  cooldownUntil: string | null;
  disabledReason: string | null;
  lastUsedAt: string | null;
  lastHour: { requests: number; failures: number; billedCostUsd: string };
  lastDay: { requests: number; failures: number; billedCostUsd: string };
}

const SECRETS = ['sk-hostedpool-secret-one-0123456789', 'sk-hostedpool-secret-two-0123456789', 'sk-ant-hostedpool-secret-0123456789'];
const MINUTE = 60_000;

describe.each(availableBackends())('hosted key pool API on %s', (backend) => {
  let t: TestServer;
  let org: { id: string };
  let owner: SeededUser;

  const keyOf = async (name: string): Promise<HostedKey> => {
    const data = await t.gqlOk<{ hostedKeyPool: { provider: string; keys: HostedKey[] }[] }>(POOL);
    const key = data.hostedKeyPool.flatMap((p) => p.keys).find((k) => k.name === name);
    if (!key) throw new Error(`no hosted key ${name}`);
    return key;
  };

  beforeAll(async () => {
    t = await startTestServer(backend, {
      OPENAI_API_KEY_1: SECRETS[0] as string,
      OPENAI_API_KEY_2: SECRETS[1] as string,
      ANTHROPIC_API_KEY_1: SECRETS[2] as string,
      OPENAI_API_KEY: 'sk-legacy-not-in-the-pool-0123456789',
    });
    org = await seedOrganization(t, 'Pool Customer');
    owner = await seedUser(t, org.id, 'OWNER');
    const now = Date.now();
    const usage = (minutesAgo: number, overrides: Partial<Prisma.UsageRecordCreateManyInput> = {}): Prisma.UsageRecordCreateManyInput => ({
      requestId: `req_${randomUUID()}`,
      organizationId: org.id,
      projectId: randomUUID(),
      gatewayKeyId: randomUUID(),
      provider: 'openai',
      model: 'gpt-4o-mini',
      keySource: 'hosted',
      keyRef: 'OPENAI_API_KEY_1',
      billedCostUsd: '0.25',
      upstreamCostUsd: '0.2',
      status: 'SUCCESS',
      httpStatus: 200,
      latencyMs: 100,
      createdAt: new Date(now - minutesAgo * MINUTE),
      ...overrides,
    });
    await t.server.db.prisma.usageRecord.createMany({
      data: [
        usage(5),
        usage(10),
        usage(20, { status: 'FAILED', failureClass: 'RATE_LIMIT', httpStatus: 429, billedCostUsd: '0' }),
        usage(5 * 60, { billedCostUsd: '1.000000000001' }),
        usage(23 * 60, { status: 'FAILED', failureClass: 'UPSTREAM_ERROR', httpStatus: 502, billedCostUsd: '0' }),
        usage(25 * 60),
        // The legacy env key counts for itself; a BYOK key never counts for a platform key.
        usage(5, { keySource: 'env', keyRef: 'OPENAI_API_KEY' }),
        usage(5, { keySource: 'byok', keyRef: 'OPENAI_API_KEY_1' }),
        usage(30, { provider: 'anthropic', model: 'claude-haiku-4-5', keyRef: 'ANTHROPIC_API_KEY_1', billedCostUsd: '0.125' }),
      ],
    });
  });
  afterAll(() => t?.close());

  it('lists every provider with its pool keys and env key by name, state and traffic, never the secret', async () => {
    const data = await t.gqlOk<{ hostedKeyPool: { provider: string; keys: HostedKey[] }[] }>(POOL);
    const byProvider = Object.fromEntries(data.hostedKeyPool.map((p) => [p.provider, p.keys.map((k) => k.name)]));
    expect(byProvider).toMatchObject({
      openai: ['OPENAI_API_KEY_1', 'OPENAI_API_KEY_2', 'OPENAI_API_KEY'],
      anthropic: ['ANTHROPIC_API_KEY_1'],
      google: [],
    });
    const first = data.hostedKeyPool.find((p) => p.provider === 'openai')?.keys[0];
    expect(first).toEqual({
      provider: 'openai',
      name: 'OPENAI_API_KEY_1',
      source: 'hosted',
      state: 'AVAILABLE',
      cooldownUntil: null,
      disabledReason: null,
      lastUsedAt: null,
      lastHour: { requests: 3, failures: 1, billedCostUsd: '0.5' },
      lastDay: { requests: 5, failures: 2, billedCostUsd: '1.500000000001' },
    });
    expect((await keyOf('ANTHROPIC_API_KEY_1')).lastHour).toEqual({ requests: 1, failures: 0, billedCostUsd: '0.125' });
    expect((await keyOf('OPENAI_API_KEY_2')).lastDay).toEqual({ requests: 0, failures: 0, billedCostUsd: '0' });
    const body = JSON.stringify(data);
    for (const secret of SECRETS) expect(body).not.toContain(secret);
    expect(await keyOf('OPENAI_API_KEY')).toMatchObject({
      source: 'env',
      state: 'AVAILABLE',
      lastHour: { requests: 1, failures: 0, billedCostUsd: '0.25' },
    });
  });

  it('shows cooldowns and disabled keys from the state store, and re-enables them', async () => {
    const state = t.server.gateway.state;
    const until = Date.now() + 5 * MINUTE;
    await state.setCooldown('OPENAI_API_KEY_1', until);
    await state.markUsed('OPENAI_API_KEY_1', until - 6 * MINUTE);
    expect(await keyOf('OPENAI_API_KEY_1')).toMatchObject({
      state: 'COOLING_DOWN',
      cooldownUntil: new Date(until).toISOString(),
      lastUsedAt: new Date(until - 6 * MINUTE).toISOString(),
    });
    await state.setDisabled('OPENAI_API_KEY_2', true, 'The provider rejected the key (401/403)');
    expect(await keyOf('OPENAI_API_KEY_2')).toMatchObject({ state: 'DISABLED', disabledReason: 'The provider rejected the key (401/403)' });

    const enabled = await t.gqlOk<{ setHostedKeyState: HostedKey }>(SET_STATE, { name: 'OPENAI_API_KEY_2', enabled: true });
    expect(enabled.setHostedKeyState).toEqual({ name: 'OPENAI_API_KEY_2', state: 'AVAILABLE', cooldownUntil: null, disabledReason: null });
    expect((await state.keyStates(['OPENAI_API_KEY_2'])).get('OPENAI_API_KEY_2')).toMatchObject({ disabled: false });
    const cleared = await t.gqlOk<{ setHostedKeyState: HostedKey }>(SET_STATE, { name: 'OPENAI_API_KEY_1', enabled: true });
    expect(cleared.setHostedKeyState).toMatchObject({ state: 'AVAILABLE', cooldownUntil: null });
    // The gateway's pool sees the same state.
    expect(await t.server.gateway.pool.availability('openai')).toEqual({ available: true, retryAfterMs: null });

    const entry = await expectAudit(t, null, { action: 'hosted-key.enable', targetId: 'OPENAI_API_KEY_2' });
    expect(entry.details).toEqual({ provider: 'openai', name: 'OPENAI_API_KEY_2', source: 'hosted', enabled: true });
  });

  it('takes a key out of rotation', async () => {
    const disabled = await t.gqlOk<{ setHostedKeyState: HostedKey }>(SET_STATE, { name: 'ANTHROPIC_API_KEY_1', enabled: false });
    expect(disabled.setHostedKeyState).toMatchObject({ state: 'DISABLED', disabledReason: 'Disabled by an operator' });
    expect(await t.server.gateway.pool.availability('anthropic')).toMatchObject({ available: false });
    await expectAudit(t, null, { action: 'hosted-key.disable', targetId: 'ANTHROPIC_API_KEY_1' });
    await t.gqlOk(SET_STATE, { name: 'ANTHROPIC_API_KEY_1', enabled: true });
    expect(await t.server.gateway.pool.availability('anthropic')).toMatchObject({ available: true });
    // The legacy env key is the operator's too; unknown names are not found.
    const envKey = await t.gqlOk<{ setHostedKeyState: HostedKey }>(SET_STATE, { name: 'OPENAI_API_KEY', enabled: false });
    expect(envKey.setHostedKeyState).toMatchObject({ state: 'DISABLED', disabledReason: 'Disabled by an operator' });
    await t.gqlOk(SET_STATE, { name: 'OPENAI_API_KEY', enabled: true });
    expect(await keyOf('OPENAI_API_KEY')).toMatchObject({ state: 'AVAILABLE' });
    expect(codesOf(await t.gql(SET_STATE, { name: 'NOPE_API_KEY_1', enabled: true }))).toEqual(['NOT_FOUND']);
  });

  it('lists and sets provider limiter modes', async () => {
    const before = await t.gqlOk<{ providerSettings: { provider: string; mode: string }[] }>(SETTINGS);
    expect(before.providerSettings.find((s) => s.provider === 'openai')).toEqual({
      provider: 'openai',
      mode: 'NONE',
      requestsPerMinute: null,
      queueTimeoutMs: null,
      updatedAt: null,
    });
    expect(before.providerSettings.map((s) => s.provider)).toEqual(expect.arrayContaining(['openai', 'anthropic', 'google', 'deepseek']));

    const set = await t.gqlOk<{ setProviderLimiter: Record<string, unknown> }>(SET_LIMITER, {
      input: { provider: 'openai', mode: 'PER_ORGANIZATION', requestsPerMinute: 60 },
    });
    expect(set.setProviderLimiter).toMatchObject({
      provider: 'openai',
      mode: 'PER_ORGANIZATION',
      requestsPerMinute: 60,
      queueTimeoutMs: null,
    });
    await t.gqlOk(SET_LIMITER, { input: { provider: 'anthropic', mode: 'QUEUE', queueTimeoutMs: 2000 } });
    const after = await t.gqlOk<{ providerSettings: { provider: string; mode: string; updatedAt: string | null }[] }>(SETTINGS);
    expect(after.providerSettings.find((s) => s.provider === 'anthropic')).toMatchObject({ mode: 'QUEUE', queueTimeoutMs: 2000 });
    expect(after.providerSettings.find((s) => s.provider === 'openai')?.updatedAt).not.toBeNull();
    await expectAudit(t, null, { action: 'provider.set-limiter', targetId: 'openai' });

    const bad = async (input: Record<string, unknown>) => codesOf(await t.gql(SET_LIMITER, { input }));
    expect(await bad({ provider: 'openai', mode: 'PER_ORGANIZATION' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ provider: 'nope', mode: 'NONE' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ provider: 'openai', mode: 'QUEUE', queueTimeoutMs: 0 })).toEqual(['BAD_USER_INPUT']);
  });

  it('is for operators only', async () => {
    const calls: [string, Record<string, unknown>][] = [
      [POOL, {}],
      [SET_STATE, { name: 'OPENAI_API_KEY_1', enabled: false }],
      [SETTINGS, {}],
      [SET_LIMITER, { input: { provider: 'openai', mode: 'NONE' } }],
    ];
    for (const [query, variables] of calls) {
      const result = await t.gql(query, variables, owner.token);
      expect(codesOf(result), query).toEqual(['FORBIDDEN']);
      expect(result.data ?? null).toBeNull();
      expect(codesOf(await t.gql(query, variables, null)), query).toEqual(['UNAUTHENTICATED']);
    }
    expect((await keyOf('OPENAI_API_KEY_1')).state).toBe('AVAILABLE');
  });
});
