import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from './support/tenant.js';

const POOL = {
  ANTHROPIC_API_KEY_1: fakeKey('anthropic', 'rfA'),
  ANTHROPIC_API_KEY_2: fakeKey('anthropic', 'rfB'),
  ANTHROPIC_API_KEY_3: fakeKey('anthropic', 'rfC'),
  GOOGLE_API_KEY: fakeKey('google', 'rfG'),
};
type KeyName = keyof typeof POOL;
const ANTHROPIC = ['ANTHROPIC_API_KEY_1', 'ANTHROPIC_API_KEY_2', 'ANTHROPIC_API_KEY_3'] as const;

/**
 * A tenant controls what a request asks for (a file, a beta, an endpoint), and providers answer
 * some of those with a 403 while the key is fine. Such an answer must not take a shared platform
 * key out of service for every organization: a key is disabled only when the provider also
 * refuses it on its own (the key check: its model list, nothing of the tenant's).
 */
describe('a 403 about the request, not the key', () => {
  let g: GatewayEnv;
  let attacker: Tenant;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { ...POOL, HOSTED_KEY_LLM: 'true' });
    attacker = await createTenant(g.t, { mode: 'CREDITS', credits: '10' });
  });
  afterAll(() => g?.close());

  const keyState = async (name: KeyName) => {
    const data = await g.t.gqlOk<{ hostedKeyPool: { keys: { name: string; state: string; disabledReason: string | null }[] }[] }>(
      '{ hostedKeyPool { provider keys { name state disabledReason } } }',
    );
    return data.hostedKeyPool.flatMap((p) => p.keys).find((k) => k.name === name);
  };
  const calls = (since: number) => g.sim.requests.slice(since).map((r) => `${r.method} ${r.path}`);

  it('a key the provider refuses on its own too is disabled (Gemini: 400 API_KEY_INVALID, checked the same way)', async () => {
    g.sim.setKeyBehavior(POOL.GOOGLE_API_KEY, { kind: 'unauthorized' });
    const before = g.sim.requests.length;
    const refused = await chat(g.t, attacker.secret, { model: 'google/gemini-2.5-flash' });
    g.sim.setKeyBehavior(POOL.GOOGLE_API_KEY, { kind: 'ok' });
    expect(refused.status).not.toBe(200);
    expect(calls(before)).toEqual(['POST /google/v1beta/models/gemini-2.5-flash:generateContent', 'GET /google/v1beta/models']);
    expect(await usageOf(g.t, refused.requestId)).toMatchObject({ failureClass: 'AUTH' });
    expect(await keyState('GOOGLE_API_KEY')).toMatchObject({
      state: 'DISABLED',
      disabledReason: expect.stringMatching(/rejected the key/),
    });
    await g.t.gqlOk('mutation { setHostedKeyState(name: "GOOGLE_API_KEY", enabled: true) { name } }');
  });

  it("Gemini's 403 for a file the key does not own leaves the key in service", async () => {
    g.sim.setKeyBehavior(POOL.GOOGLE_API_KEY, { kind: 'forbidden-request' });
    const refused = await chat(g.t, attacker.secret, { model: 'google/gemini-2.5-flash' });
    g.sim.setKeyBehavior(POOL.GOOGLE_API_KEY, { kind: 'ok' });
    expectOpenAiError(refused, 400);
    expect(refused.text).toContain('permission to access the File');
    expect(await usageOf(g.t, refused.requestId)).toMatchObject({ status: 'FAILED', failureClass: 'BAD_REQUEST', attempts: 1 });
    expect(await keyState('GOOGLE_API_KEY')).toMatchObject({ state: 'AVAILABLE' });
    const served = await chat(g.t, attacker.secret, { model: 'google/gemini-2.5-flash' });
    expect(served.status, served.text).toBe(200);
  });

  it('one request, or a burst of them, takes no pool key out of service, and is not retried on the other keys', async () => {
    for (const name of ANTHROPIC) g.sim.setKeyBehavior(POOL[name], { kind: 'forbidden-request' });
    const before = g.sim.requests.length;
    const refused = await chat(g.t, attacker.secret, { model: 'anthropic/claude-haiku-4-5' });
    expectOpenAiError(refused, 400);
    expect(refused.text).toContain('does not have permission');
    const sent = g.sim.requests.slice(before);
    // The call, then the key check with that key alone (no body), and no attempt on another key.
    expect(calls(before)).toEqual(['POST /anthropic/v1/messages', 'GET /anthropic/v1/models']);
    expect(sent[1]?.apiKey).toBe(sent[0]?.apiKey);
    expect(sent[1]?.body).toBeUndefined();
    expect(await usageOf(g.t, refused.requestId)).toMatchObject({ status: 'FAILED', failureClass: 'BAD_REQUEST', attempts: 1 });

    // Many at once: at most one check per key (one in flight per key, then remembered).
    const burst = g.sim.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => chat(g.t, attacker.secret, { model: 'anthropic/claude-haiku-4-5' })),
    );
    for (const answer of answers) expect(answer.status).toBe(400);
    const checks = g.sim.requests.slice(burst).filter((r) => r.method === 'GET');
    expect(checks.length).toBeLessThanOrEqual(ANTHROPIC.length);
    expect(new Set(checks.map((r) => r.apiKey)).size).toBe(checks.length);
    for (const name of ANTHROPIC) expect(await keyState(name)).toMatchObject({ state: 'AVAILABLE' });

    // Another organization is served by the same keys.
    for (const name of ANTHROPIC) g.sim.setKeyBehavior(POOL[name], { kind: 'ok' });
    const other = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const served = await chat(g.t, other.secret, { model: 'anthropic/claude-haiku-4-5' });
    expect(served.status, served.text).toBe(200);
    expect(served.keySource).toBe('hosted');
    await expectLedgerConsistent(g.t, attacker.organizationId);
  });
});
