import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  metrics,
  metricValue,
  startGatewayEnv,
  usageOf,
} from './support/tenant.js';

const ENV = {
  HOSTED_KEY_LLM: 'true',
  OPENAI_API_KEY_1: fakeKey('openai', 'queueA'),
  OPENAI_API_KEY_2: fakeKey('openai', 'queueB'),
  ANTHROPIC_API_KEY_1: fakeKey('anthropic', 'perorg'),
};

const SET_LIMITER =
  'mutation($input: SetProviderLimiterInput!) { setProviderLimiter(input: $input) { provider mode requestsPerMinute queueTimeoutMs } }';

/** Limiter modes: `queue` (wait FIFO for a key, bounded) and `per-organization` (token bucket). */
describe('hosted key limiter modes', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', ENV);
    // Before the first gateway request, so the gateway's one-second cache starts with them.
    await g.t.gqlOk(SET_LIMITER, { input: { provider: 'openai', mode: 'QUEUE', requestsPerMinute: 1, queueTimeoutMs: 1_000 } });
    await g.t.gqlOk(SET_LIMITER, { input: { provider: 'anthropic', mode: 'PER_ORGANIZATION', requestsPerMinute: 2 } });
  });
  afterAll(() => g?.close());

  it('queue: waits for a key to come free, then serves', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const until = Date.now() + 500;
    for (const name of ['OPENAI_API_KEY_1', 'OPENAI_API_KEY_2']) await g.t.server.gateway.state.setCooldown(name, until);
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expect(result.status, result.text).toBe(200);
    // No key could serve before the cooldown ended: the request waited for it in the queue.
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(result.keySource).toBe('hosted');
    const text = await metrics(g.t);
    expect(metricValue(text, 'keyplane_hosted_key_queue_wait_seconds_count', { provider: 'openai' })).toBe(1);
    expect(metricValue(text, 'keyplane_hosted_key_queue_wait_seconds_sum', { provider: 'openai' })).toBeGreaterThan(0);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('queue: times out with 429 when no key comes free, counting a throttle', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    // requestsPerMinute 1 per key: the other key serves this one, then both are spent for the minute.
    expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    const before = g.sim.requests.length;
    const started = Date.now();
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    const waited = Date.now() - started;
    expectOpenAiError(result, 429);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(3_000);
    expect(g.sim.requests.length).toBe(before);
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'RATE_LIMIT', attempts: 0 });
    const text = await metrics(g.t);
    expect(metricValue(text, 'keyplane_hosted_key_throttled_total', { provider: 'openai', reason: 'queue_timeout' })).toBe(1);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('per-organization: 429 past requestsPerMinute for that organization only', async () => {
    const first = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const second = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    expect((await chat(g.t, first.secret, { model: 'claude-haiku-4-5' })).status).toBe(200);
    expect((await chat(g.t, first.secret, { model: 'claude-haiku-4-5' })).status).toBe(200);
    const before = g.sim.requests.length;
    const limited = await chat(g.t, first.secret, { model: 'claude-haiku-4-5' });
    expectOpenAiError(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(g.sim.requests.length).toBe(before);
    // A second gateway key of the same organization shares the limit; another organization does not.
    const sibling = await first.addKey();
    expect((await chat(g.t, sibling.secret, { model: 'claude-haiku-4-5' })).status).toBe(429);
    expect((await chat(g.t, second.secret, { model: 'claude-haiku-4-5' })).status).toBe(200);
    const text = await metrics(g.t);
    expect(metricValue(text, 'keyplane_hosted_key_throttled_total', { provider: 'anthropic', reason: 'organization_limit' })).toBe(2);
    await expectLedgerConsistent(g.t, first.organizationId);
    await expectLedgerConsistent(g.t, second.organizationId);
  });
});
