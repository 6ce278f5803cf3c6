import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputTokensCeiling } from '../../server/gateway/billing/estimate.js';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  fakeKey,
  type GatewayEnv,
  HELLO,
  pico,
  sleep,
  startGatewayEnv,
  usageOfProject,
} from './support/tenant.js';

/** The simulator's text answer counts 25 input tokens for any prompt (tools/simulator/fixtures/README.md). */
const SIMULATED_INPUT = 25;

describe('holds cover what can be billed', () => {
  it('the input ceiling covers what the provider counts for the shortest prompt', () => {
    expect(inputTokensCeiling(JSON.stringify(HELLO).length)).toBeGreaterThanOrEqual(SIMULATED_INPUT);
  });

  describe('a $0.00002 key budget', () => {
    let g: GatewayEnv;
    beforeAll(async () => {
      g = await startGatewayEnv('pglite', { OPENAI_API_KEY: fakeKey('openai'), HOSTED_COST_MULTIPLIER: '1.5' });
    });
    afterAll(() => g?.close());

    it('ends at most one request’s bill over the budget, in sequence and in parallel bursts', async () => {
      const budget = pico('0.00002');
      const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { budgetUsd: '0.00002', budgetPeriod: 'TOTAL' } });
      // A small output cap makes the hold small enough for bursts to race for the budget.
      const body = { model: 'gpt-4o-mini', max_tokens: 16 };
      let refused = 0;
      for (let round = 0; round < 4 && refused < 8; round += 1) {
        const results = await Promise.all(Array.from({ length: 4 }, () => chat(g.t, tenant.secret, body)));
        for (const result of results) expect([200, 402], result.text).toContain(result.status);
        refused += results.filter((result) => result.status === 402).length;
      }
      expect(refused).toBeGreaterThan(0);
      const records = await usageOfProject(g.t, tenant.projectId);
      const bills = records.map((record) => pico(record.billedCostUsd));
      const largest = bills.reduce((max, bill) => (bill > max ? bill : max), 0n);
      // Settled and idle: the budget leases' unused headroom goes back (it is held while leased).
      await g.t.server.gateway.leases.releaseIdle(0);
      const spend = await g.t.server.db.prisma.budgetSpend.findUniqueOrThrow({
        where: { budgetId_period: { budgetId: tenant.gatewayKeyId, period: 'total' } },
      });
      // Admission checks spend + holds < budget, and each hold covers its bill: only the last
      // admitted request can cross the line, by at most its own bill.
      expect(pico(spend.spentUsd)).toBe(bills.reduce((sum, bill) => sum + bill, 0n));
      expect(pico(spend.spentUsd)).toBeLessThanOrEqual(budget + largest);
      expect(pico(spend.reservedUsd)).toBe(0n);
      for (const record of records) expect(record.inputTokens).toBeLessThanOrEqual(inputTokensCeiling(JSON.stringify(HELLO).length));
      await expectLedgerConsistent(g.t, tenant.organizationId);
    });
  });
  describe('web searches a request allows', () => {
    const POOL_ANTHROPIC = fakeKey('anthropic', 'searchhold');
    let g: GatewayEnv;
    beforeAll(async () => {
      g = await startGatewayEnv('pglite', { ANTHROPIC_API_KEY: POOL_ANTHROPIC });
    });
    afterAll(() => g?.close());

    const send = (path: '/v1/messages' | '/v1/responses', secret: string, body: Record<string, unknown>) =>
      fetch(`${g.t.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    const claude = (maxUses: number) => ({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Search' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: maxUses }],
    });

    it('are held at $10 per 1,000 where the request bounds them: while one holds 5, the budget has no room for another', async () => {
      // A $0.03 key budget: a request held for 5 searches ($0.05) leaves no room while in flight; one held for 1 ($0.01) does.
      for (const [maxUses, second] of [
        [5, 402],
        [1, 200],
      ] as const) {
        const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { budgetUsd: '0.03', budgetPeriod: 'TOTAL' } });
        g.sim.setKeyBehavior(POOL_ANTHROPIC, { kind: 'slow', chunkDelayMs: 300, times: 1 });
        const first = send('/v1/messages', tenant.secret, claude(maxUses));
        await sleep(150);
        const next = await send('/v1/messages', tenant.secret, claude(1));
        expect(next.status, `${maxUses}: ${await next.text()}`).toBe(second);
        expect((await first).status).toBe(200);
        await expectLedgerConsistent(g.t, tenant.organizationId);
      }
    });
  });
});
