import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOffer } from '../../shared/catalog.js';
import { availableBackends } from '../support/test-database.js';
import {
  type ChatResult,
  chat,
  createTenant,
  expectLedgerConsistent,
  fakeKey,
  type GatewayEnv,
  HELLO,
  pico,
  startGatewayEnv,
  type Tenant,
} from './support/tenant.js';

const ENV_KEY = fakeKey('openai', 'concurrency');
const MAX_TOKENS = 16;
const WAVE = 20;

/**
 * The reservation rule (reserve.stage.ts + estimate.ts): before calling upstream a request holds
 * (ceil(message chars / 3) input tokens + max_tokens output tokens) × price × multiplier, and is
 * admitted only while balance − reserved > 0 (credits) or spent + reserved < budget (key budget).
 * Each admitted request's real cost is below its hold, so the last one admitted can overshoot
 * the limit by less than one hold: total spend < limit + W.
 */
function holdPico(multiplierNumerator: bigint, multiplierDenominator: bigint): bigint {
  const price = findOffer('openai', 'gpt-4o-mini')?.offer.price;
  if (!price) throw new Error('gpt-4o-mini has no price');
  const inputTokens = BigInt(Math.ceil(JSON.stringify(HELLO).length / 3));
  const upstream = inputTokens * BigInt(Math.round(price.input * 1e6)) + BigInt(MAX_TOKENS) * BigInt(Math.round(price.output * 1e6));
  return (upstream * multiplierNumerator) / multiplierDenominator;
}

/** Wait until every request so far is settled: nothing queued, nothing reserved. */
async function settled(g: GatewayEnv, tenant: Tenant): Promise<void> {
  const prisma = g.t.server.db.prisma;
  for (let i = 0; i < 100; i += 1) {
    await g.t.server.gateway.writer.flush();
    // Settled and idle: leased credit and budget headroom goes back.
    await g.t.server.gateway.leases.releaseIdle(0);
    const organization = await prisma.organization.findUniqueOrThrow({ where: { id: tenant.organizationId } });
    const spends = await prisma.budgetSpend.findMany({ where: { budgetId: tenant.gatewayKeyId } });
    if (pico(organization.creditReserved) === 0n && spends.every((s) => pico(s.reservedUsd) === 0n)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('reservations were never released');
}

/** Parallel waves of requests, each after the previous one settled, until a whole wave is refused. */
async function drain(g: GatewayEnv, tenant: Tenant): Promise<ChatResult[]> {
  const all: ChatResult[] = [];
  for (let wave = 0; wave < 15; wave += 1) {
    const results = await Promise.all(
      Array.from({ length: WAVE }, () => chat(g.t, tenant.secret, { model: 'gpt-4o-mini', max_tokens: MAX_TOKENS })),
    );
    all.push(...results);
    for (const result of results) expect([200, 402], result.text).toContain(result.status);
    await settled(g, tenant);
    if (results.every((r) => r.status === 402)) return all;
  }
  throw new Error('never ran out');
}

const hasPostgres = availableBackends().includes('postgres');

// PGlite runs one statement at a time and would hide races: PostgreSQL only.
describe.skipIf(!hasPostgres)('limits under concurrency on postgres', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('postgres', { OPENAI_API_KEY: ENV_KEY, HOSTED_COST_MULTIPLIER: '1.5' });
    // Each call takes ~60 ms upstream, so requests overlap and hold reservations together.
    g.sim.setKeyBehavior(ENV_KEY, { kind: 'slow', chunkDelayMs: 20 });
  });
  afterAll(() => g?.close());

  it('parallel requests overdraw credits by less than one reservation; the rest get 402', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '0.0002' });
    const results = await drain(g, tenant);
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 402);
    expect(ok).toBeGreaterThan(5);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.json.error.code).toBe('insufficient_credits');

    await expectLedgerConsistent(g.t, tenant.organizationId); // also: creditReserved back to 0
    const organization = await g.t.server.db.prisma.organization.findUniqueOrThrow({ where: { id: tenant.organizationId } });
    const balance = pico(organization.creditBalance);
    const hold = holdPico(3n, 2n);
    expect(balance).toBeLessThanOrEqual(0n); // it did run out
    expect(-balance).toBeLessThan(hold);
    const usage = await g.t.server.db.prisma.usageRecord.findMany({ where: { projectId: tenant.projectId, status: 'SUCCESS' } });
    expect(usage).toHaveLength(ok);
    const spent = usage.reduce((sum, row) => sum + pico(row.billedCostUsd), 0n);
    expect(spent).toBe(200_000_000n - balance);
  });

  it('parallel requests overspend a key budget by less than one reservation; the rest get 402', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { budgetUsd: '0.0001', budgetPeriod: 'TOTAL' } });
    const results = await drain(g, tenant);
    const refused = results.filter((r) => r.status === 402);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.json.error.code).toBe('budget_exceeded');

    await expectLedgerConsistent(g.t, tenant.organizationId);
    const spend = await g.t.server.db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: tenant.gatewayKeyId, period: 'total' } },
    });
    expect(pico(spend.reservedUsd)).toBe(0n);
    const spent = pico(spend.spentUsd);
    expect(spent).toBeGreaterThanOrEqual(100_000_000n);
    expect(spent - 100_000_000n).toBeLessThan(holdPico(3n, 2n));
    const usage = await g.t.server.db.prisma.usageRecord.findMany({ where: { gatewayKeyId: tenant.gatewayKeyId } });
    expect(usage.reduce((sum, row) => sum + pico(row.billedCostUsd), 0n)).toBe(spent);
    expect(usage.filter((row) => row.status === 'SUCCESS')).toHaveLength(results.filter((r) => r.status === 200).length);
  });
});
