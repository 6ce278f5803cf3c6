import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  pico,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from './support/tenant.js';

const POOL = { OPENAI_API_KEY_1: fakeKey('openai', 'statusA'), OPENAI_API_KEY_2: fakeKey('openai', 'statusB') };

/** SPEC §4: after fallbacks the status names the last real cause; 429 only when rate limits are it. */
describe('statuses after fallbacks', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { ...POOL, HOSTED_KEY_LLM: 'true', UPSTREAM_TIMEOUT_MS: '400' });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
  });
  afterAll(() => g?.close());

  it.each([false, true])('500 on every attempt (stream: %s) → 502 upstream_error, recorded UPSTREAM_ERROR', async (stream) => {
    for (const secret of Object.values(POOL)) g.sim.setKeyBehavior(secret, { kind: 'server-error' });
    try {
      for (let round = 0; round < 3; round += 1) {
        const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream });
        expectOpenAiError(result, 502, 'upstream_error');
        const usage = await usageOf(g.t, result.requestId);
        expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'UPSTREAM_ERROR', httpStatus: 502 });
      }
    } finally {
      g.sim.clearKeyBehaviors();
    }
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it.each([false, true])(
    'an upstream that hangs on every attempt (stream: %s) → 504 upstream_timeout, recorded TIMEOUT',
    async (stream) => {
      for (const secret of Object.values(POOL)) g.sim.setKeyBehavior(secret, { kind: 'hang' });
      try {
        const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream });
        expectOpenAiError(result, 504, 'upstream_timeout');
        const usage = await usageOf(g.t, result.requestId);
        // The provider had the prompt: the record carries its estimated input (not billed: FAILED).
        expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'TIMEOUT', httpStatus: 504, tokensEstimated: true });
        expect(usage.inputTokens).toBeGreaterThan(0);
        expect(pico(usage.billedCostUsd)).toBe(0n);
      } finally {
        g.sim.clearKeyBehaviors();
      }
    },
  );

  it.each([
    ['stalls after the first byte', { kind: 'slow', chunkDelayMs: 2_000 }],
    ['is cut after the first chunk', { kind: 'cut', afterChunks: 1 }],
  ] as const)('a stream that %s records the estimated input tokens', async (_, behavior) => {
    for (const secret of Object.values(POOL)) g.sim.setKeyBehavior(secret, behavior);
    try {
      const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream: true });
      expect(result.status).toBe(200);
      const usage = await usageOf(g.t, result.requestId);
      expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED', tokensEstimated: true });
      expect(usage.inputTokens).toBeGreaterThan(0);
      expect(pico(usage.upstreamCostUsd)).toBeGreaterThan(0n);
      expect(pico(usage.billedCostUsd)).toBe(0n); // a stream the upstream broke is not billed
    } finally {
      g.sim.clearKeyBehaviors();
    }
  });

  it('429 when rate limits are the cause', async () => {
    for (const secret of Object.values(POOL)) g.sim.setKeyBehavior(secret, { kind: 'rate-limit', retryAfterSeconds: 1 });
    try {
      const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
      expect(result.status, result.text).toBe(429);
      const usage = await usageOf(g.t, result.requestId);
      expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'RATE_LIMIT' });
    } finally {
      g.sim.clearKeyBehaviors();
    }
  });
});
