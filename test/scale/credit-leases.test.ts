import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { inputTokensCeiling } from '../../server/gateway/billing/estimate.js';
import { findOffer } from '../../shared/catalog.js';
import { toPico } from '../../shared/money.js';
import type { UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { redisAvailable } from '../support/redis.js';
import { type Instances, startInstances } from '../support/server-instances.js';
import { createCreditsTenant, type ServerProcess } from '../support/server-process.js';
import { availableBackends } from '../support/test-database.js';

const TOKEN = 'credit-leases-admin-token';
// Each instance calls upstream with its own platform key, so the simulator can stall one of them.
const KEY_A = 'sk-platform-lease-a-aaaaaaaaaaaaaaaa';
const KEY_B = 'sk-platform-lease-b-bbbbbbbbbbbbbbbb';
const MESSAGES = [{ role: 'user', content: 'Hi' }];
const ready = availableBackends().includes('postgres') && (await redisAvailable());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two real instances on one PostgreSQL and one Redis, competing for one organization's credit or one key's budget. */
describe.skipIf(!ready)('credit leases across two instances', { timeout: 120_000 }, () => {
  let instances: Instances;
  let sim: UpstreamSimulator;
  let db: Database;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    instances = await startInstances({ adminToken: TOKEN, platformKeys: [KEY_A, KEY_B] });
    ({ sim, db, a, b } = instances);
  });

  afterAll(() => instances?.close());

  const createTenant = (url: string, credits: string) => createCreditsTenant(url, TOKEN, credits);

  const complete = (url: string, key: string, extra: object = {}, signal?: AbortSignal) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES, ...extra }),
      signal,
    })
      .then(async (response) => {
        await response.text();
        return response.status;
      })
      .catch(() => 0);

  /** A's three calls hang, each holding its worst case, until `held()`; B is refused meanwhile. */
  const hangOnA = async (key: string, held: () => Promise<boolean>) => {
    sim.setKeyBehavior(KEY_A, { kind: 'hang' });
    const abort = new AbortController();
    const hanging = [1, 2, 3].map(() => complete(a.url, key, {}, abort.signal));
    for (let i = 0; i < 100 && !(await held()); i += 1) await sleep(50);
    expect(await held()).toBe(true);
    expect(await complete(b.url, key)).toBe(402);
    return { abort, hanging };
  };

  /** Kill A with its calls in flight; B serves again within this many milliseconds. */
  const killA = async (key: string, { abort, hanging }: Awaited<ReturnType<typeof hangOnA>>) => {
    a.child.kill('SIGKILL');
    await a.exited;
    abort.abort();
    await Promise.all(hanging);
    const killedAt = Date.now();
    let status = 0;
    while (Date.now() - killedAt < 15_000) {
      status = await complete(b.url, key);
      if (status === 200) break;
      await sleep(200);
    }
    expect(status).toBe(200);
    return Date.now() - killedAt;
  };

  it('a stalled lease holder keeps its lease; a killed one: the other instance serves within seconds', async () => {
    // Three worst-case holds (4,096 output tokens each) take all of $0.006: A's lease holds it
    // all while its calls hang at the upstream.
    const tenant = await createTenant(b.url, '0.006');
    const hang = await hangOnA(
      tenant.key,
      async () => (await db.prisma.organization.findUniqueOrThrow({ where: { id: tenant.org } })).creditReserved.toNumber() >= 0.006,
    );

    // Stalled (a long GC, a starved CPU) past CREDIT_LEASE_TTL_MS is not dead: A keeps its
    // lease, so B cannot hand out credit A's requests in flight are about to spend.
    a.child.kill('SIGSTOP');
    await sleep(7_000);
    const leaseRows = await db.prisma.reservation.count({ where: { organizationId: tenant.org, requestId: { startsWith: 'lease:' } } });
    const whileStalled = await complete(b.url, tenant.key);
    a.child.kill('SIGCONT');
    expect(leaseRows).toBeGreaterThan(0);
    expect(whileStalled).toBe(402);

    // CREDIT_LEASE_TTL_MS (5 s) plus a renewal: not RESERVATION_TTL_MS (30 minutes).
    expect(await killA(tenant.key, hang)).toBeLessThan(8_000);
  });

  it('a burst against a small balance from two instances uses ≥ 95 % of it and overdraws by at most one hold', async () => {
    a = await instances.start(KEY_A);
    sim.clearKeyBehaviors();
    const initial = toPico('0.0005');
    const tenant = await createTenant(a.url, '0.0005');
    const body = { max_tokens: 16 };
    let allRefused = 0;
    let served = 0;
    for (let round = 0; round < 60 && allRefused < 3; round += 1) {
      const statuses = await Promise.all([a.url, b.url].flatMap((url) => Array.from({ length: 6 }, () => complete(url, tenant.key, body))));
      for (const status of statuses) expect([200, 402]).toContain(status);
      served += statuses.filter((status) => status === 200).length;
      if (statuses.every((status) => status === 402)) {
        allRefused += 1;
        await sleep(1_200); // a renewal later, spare credit has been handed back
      } else allRefused = 0;
    }
    await sleep(500);
    const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: tenant.org } });
    const balance = toPico(organization.creditBalance.toFixed(12));
    const price = findOffer('openai', 'gpt-4o-mini')?.offer.price as { input: number; output: number };
    const perToken = (usd: number) => BigInt(Math.round(usd * 1e6));
    const hold = BigInt(inputTokensCeiling(JSON.stringify(MESSAGES).length)) * perToken(price.input) + 16n * perToken(price.output);
    expect(served).toBeGreaterThan(40);
    expect(initial - balance).toBeGreaterThanOrEqual((initial * 95n) / 100n);
    expect(balance).toBeGreaterThanOrEqual(-hold);
  });

  it('budget leases: a killed instance’s slice of a key budget is back within seconds; a clean stop gives its slice back', async () => {
    const tenant = await createTenant(b.url, '10');
    // Before the key's first request, so no instance has its rules cached yet.
    const key = await db.prisma.gatewayKey.findFirstOrThrow({ where: { project: { organizationId: tenant.org } } });
    await db.prisma.gatewayKey.update({ where: { id: key.id }, data: { budgetUsd: '0.006', budgetPeriod: 'TOTAL' } });
    const spend = () => db.prisma.budgetSpend.findUnique({ where: { budgetId_period: { budgetId: key.id, period: 'total' } } });
    // Three worst-case holds take all of the $0.006 budget: A's lease holds it while its calls hang.
    const hang = await hangOnA(tenant.key, async () => ((await spend())?.reservedUsd.toNumber() ?? 0) >= 0.006);
    expect(await killA(tenant.key, hang)).toBeLessThan(8_000);

    // B leases a slice for its next requests; stopping cleanly gives back all it did not spend.
    b.child.kill('SIGTERM');
    await b.exited;
    const after = await spend();
    const usage = await db.prisma.usageRecord.findMany({ where: { gatewayKeyId: key.id } });
    expect(after?.reservedUsd.toNumber()).toBe(0);
    expect(toPico(after?.spentUsd.toFixed(12) ?? '0')).toBe(usage.reduce((sum, row) => sum + toPico(row.billedCostUsd.toFixed(12)), 0n));
  });
});
