import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectNoSecrets,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  metrics,
  metricValue,
  sleep,
  sseData,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from './support/tenant.js';

const POOL = {
  OPENAI_API_KEY_1: fakeKey('openai', 'poolA'),
  OPENAI_API_KEY_2: fakeKey('openai', 'poolB'),
  OPENAI_API_KEY_3: fakeKey('openai', 'poolC'),
};
type KeyName = keyof typeof POOL;
const NAMES = Object.keys(POOL) as KeyName[];
const nameOf = (secret: string | undefined) => NAMES.find((name) => POOL[name] === secret);

/** Hosted key pool: LRU selection, cooldowns, disabling, retries on another key. */
describe('hosted key pool', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { ...POOL, HOSTED_KEY_LLM: 'true' });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '10' });
  });
  afterAll(() => g?.close());

  /** One successful call; returns the pool key name that served it (per the usage record). */
  async function served(): Promise<{ name: string; attempts: number; tried: (string | undefined)[] }> {
    const before = g.sim.requests.length;
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expect(result.status, result.text).toBe(200);
    expect(result.keySource).toBe('hosted');
    const usage = await usageOf(g.t, result.requestId);
    const tried = g.sim.requests.slice(before).map((r) => nameOf(r.apiKey));
    expect(tried.at(-1)).toBe(usage.keyRef);
    return { name: usage.keyRef as string, attempts: usage.attempts, tried };
  }

  const poolState = async (name: string) => {
    const data = await g.t.gqlOk<{ hostedKeyPool: { provider: string; keys: { name: string; state: string }[] }[] }>(
      '{ hostedKeyPool { provider keys { name state } } }',
    );
    return data.hostedKeyPool.find((p) => p.provider === 'openai')?.keys.find((k) => k.name === name)?.state;
  };

  const resetKeys = async () => {
    g.sim.clearKeyBehaviors();
    for (const name of NAMES) await g.t.server.gateway.state.setDisabled(name, false, null);
  };

  it('rotates least recently used across OPENAI_API_KEY_1..3', async () => {
    const order = [];
    for (let i = 0; i < 6; i += 1) order.push((await served()).name);
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order.slice(3)).toEqual(order.slice(0, 3));
  });

  it('a 429 with Retry-After cools the key; the call is retried on another key; the key returns after Retry-After', async () => {
    g.sim.setKeyBehavior(POOL.OPENAI_API_KEY_2, { kind: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    let hit: Awaited<ReturnType<typeof served>> | undefined;
    for (let i = 0; i < 3 && !hit; i += 1) {
      const call = await served();
      if (call.tried.includes('OPENAI_API_KEY_2')) hit = call;
    }
    expect(hit, 'the LRU rotation reached key 2 within three calls').toBeDefined();
    expect(hit?.attempts).toBe(2);
    expect(hit?.name).not.toBe('OPENAI_API_KEY_2');
    // Retry-After (1 s) decides how long the key rests.
    const cooldownUntil = (await g.t.server.gateway.state.keyStates(['OPENAI_API_KEY_2'])).get('OPENAI_API_KEY_2')?.cooldownUntil ?? 0;
    expect(cooldownUntil - Date.now()).toBeGreaterThan(0);
    expect(cooldownUntil - Date.now()).toBeLessThanOrEqual(1_000);
    const cooling = [];
    for (let i = 0; i < 4 && Date.now() < cooldownUntil - 100; i += 1) cooling.push((await served()).name);
    expect(cooling.length).toBeGreaterThan(0);
    expect(cooling).not.toContain('OPENAI_API_KEY_2');
    await sleep(Math.max(0, cooldownUntil - Date.now()) + 50);
    // Now the least recently used key, and no longer cooling.
    expect((await served()).name).toBe('OPENAI_API_KEY_2');
    const text = await metrics(g.t);
    expect(metricValue(text, 'keyplane_hosted_key_failed_total', { key_name: 'OPENAI_API_KEY_2', reason: 'RATE_LIMIT' })).toBe(1);
  });

  it('QUOTA cools the key far longer than Retry-After', async () => {
    g.sim.setKeyBehavior(POOL.OPENAI_API_KEY_3, { kind: 'quota', times: 1 });
    let hit = false;
    for (let i = 0; i < 3 && !hit; i += 1) hit = (await served()).tried.includes('OPENAI_API_KEY_3');
    expect(hit).toBe(true);
    await sleep(1_200);
    const after = [];
    for (let i = 0; i < 4; i += 1) after.push((await served()).name);
    expect(after).not.toContain('OPENAI_API_KEY_3');
    expect(await poolState('OPENAI_API_KEY_3')).toBe('COOLING_DOWN');
    const [state] = (await g.t.server.gateway.state.keyStates(['OPENAI_API_KEY_3'])).values();
    expect(state?.cooldownUntil ?? 0).toBeGreaterThan(Date.now() + 60_000);
    await resetKeys();
  });

  it('a 401 disables the key until it is re-enabled', async () => {
    // Refused for its call and for the key check that follows: a revoked key (restored at the provider after).
    g.sim.setKeyBehavior(POOL.OPENAI_API_KEY_1, { kind: 'unauthorized' });
    let hit = false;
    for (let i = 0; i < 3 && !hit; i += 1) hit = (await served()).tried.includes('OPENAI_API_KEY_1');
    g.sim.setKeyBehavior(POOL.OPENAI_API_KEY_1, { kind: 'ok' });
    expect(hit).toBe(true);
    expect(await poolState('OPENAI_API_KEY_1')).toBe('DISABLED');
    const after = [];
    for (let i = 0; i < 4; i += 1) after.push((await served()).name);
    expect(after).not.toContain('OPENAI_API_KEY_1');
    await g.t.gqlOk('mutation { setHostedKeyState(name: "OPENAI_API_KEY_1", enabled: true) { name state } }');
    expect(await poolState('OPENAI_API_KEY_1')).toBe('AVAILABLE');
    expect((await served()).name).toBe('OPENAI_API_KEY_1');
    const text = await metrics(g.t);
    expect(metricValue(text, 'keyplane_hosted_key_failed_total', { key_name: 'OPENAI_API_KEY_1', reason: 'AUTH' })).toBe(1);
  });

  it('a streamed call is retried on another key before the first byte', async () => {
    await resetKeys();
    // The two least recently used keys (tried first) fail with a 5xx.
    const states = await g.t.server.gateway.state.keyStates(NAMES);
    const lru = [...NAMES].sort((a, b) => (states.get(a)?.lastUsedAt ?? 0) - (states.get(b)?.lastUsedAt ?? 0));
    g.sim.setKeyBehavior(POOL[lru[0] as KeyName], { kind: 'server-error', times: 1 });
    g.sim.setKeyBehavior(POOL[lru[1] as KeyName], { kind: 'server-error', times: 1 });
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream: true });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toContain('text/event-stream');
    expect(sseData(result.text).at(-1)).toBe('[DONE]');
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ keyRef: lru[2], status: 'SUCCESS', attempts: 3, streamed: true });
    await resetKeys();
  });

  it('after 3 failed attempts: 502 in OpenAI error shape, not billed', async () => {
    for (const name of NAMES) g.sim.setKeyBehavior(POOL[name], { kind: 'server-error', times: 1 });
    const before = g.sim.requests.length;
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(result, 502);
    expect(g.sim.requests.length - before).toBe(3);
    expect(new Set(g.sim.requests.slice(before).map((r) => r.apiKey)).size).toBe(3);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'UPSTREAM_ERROR', attempts: 3 });
    expect(Number(usage.billedCostUsd)).toBe(0);
    await resetKeys();
  });

  it('every key throttled: 429 with Retry-After; then the pool recovers', async () => {
    for (const name of NAMES) g.sim.setKeyBehavior(POOL[name], { kind: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(result, 429);
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'RATE_LIMIT', attempts: 3 });
    // Every key is cooling: refused at once, without an upstream call.
    const before = g.sim.requests.length;
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).toBe(429);
    expect(g.sim.requests.length).toBe(before);
    await sleep(1_100);
    expect((await served()).attempts).toBe(1);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('metrics name hosted keys, never their secrets', async () => {
    const text = await metrics(g.t);
    for (const name of NAMES)
      expect(metricValue(text, 'keyplane_hosted_key_used_total', { provider: 'openai', key_name: name })).toBeGreaterThan(0);
    expect(metricValue(text, 'keyplane_hosted_key_cost_charged_usd_total', { key_name: 'OPENAI_API_KEY_1' })).toBeGreaterThan(0);
    expect(metricValue(text, 'keyplane_requests_total', { key_source: 'hosted', status: 'SUCCESS' })).toBeGreaterThan(10);
    for (const secret of Object.values(POOL)) expect(text).not.toContain(secret);
    expectNoSecrets(g.t, Object.values(POOL));
  });
});
