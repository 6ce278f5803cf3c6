import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/test-database.js';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  type Mode,
  pico,
  startGatewayEnv,
  usageOf,
} from './support/tenant.js';

/**
 * One BYOK fee policy (README, billing): wherever a fee rate is set, the fee is held from and
 * debited to the credit ledger the same way in API_KEYS and HYBRID, and a zero balance refuses
 * a fee-bearing call with 402 before any upstream call in both.
 */
describe.each(availableBackends())('BYOK fee on %s', (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv(backend, { OPENAI_API_KEY: fakeKey('openai'), HOSTED_KEY_LLM: 'true' });
  });
  afterAll(() => g?.close());

  it.each(['API_KEYS', 'HYBRID', 'CREDITS'] as const)('%s: Σ billed = −Σ debits with a fee set', async (mode: Mode) => {
    const tenant = await createTenant(g.t, { mode, credits: '1', byokFeeRate: '0.1', byok: { openai: fakeKey('openai') } });
    const ids: string[] = [];
    for (const stream of [false, true, false]) {
      const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream });
      expect(result.status, result.text).toBe(200);
      expect(result.keySource).toBe(mode === 'CREDITS' ? 'env' : 'byok');
      ids.push(result.requestId);
    }
    for (const id of ids) {
      const usage = await usageOf(g.t, id);
      expect(pico(usage.billedCostUsd)).toBeGreaterThan(0n);
      const ledger = await g.t.server.db.prisma.creditLedgerEntry.findMany({ where: { requestId: id } });
      expect(ledger.map((entry) => pico(entry.amountUsd))).toEqual([-pico(usage.billedCostUsd)]);
    }
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it.each(['API_KEYS', 'HYBRID'] as const)(
    '%s: a zero balance with a fee set is a 402 before any upstream call; without a fee it is served',
    async (mode: Mode) => {
      const fee = await createTenant(g.t, { mode, byokFeeRate: '0.1', byok: { openai: fakeKey('openai') } });
      const before = g.sim.requests.length;
      expectOpenAiError(await chat(g.t, fee.secret, { model: 'gpt-4o-mini' }), 402, 'insufficient_credits');
      expect(g.sim.requests.length).toBe(before);

      const free = await createTenant(g.t, { mode, byok: { openai: fakeKey('openai') } });
      const result = await chat(g.t, free.secret, { model: 'gpt-4o-mini' });
      expect(result.status, result.text).toBe(200);
      expect(pico((await usageOf(g.t, result.requestId)).billedCostUsd)).toBe(0n);
      await expectLedgerConsistent(g.t, fee.organizationId);
      await expectLedgerConsistent(g.t, free.organizationId);
    },
  );
});
