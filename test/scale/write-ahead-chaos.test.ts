import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { Prisma } from '../../server/db/generated/client.js';
import { LEASE_OWNER_CONNECTED } from '../../server/gateway/billing/billing-store.js';
import { releaseExpiredReservations } from '../../server/gateway/billing/reservation-sweeper.js';
import type { UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { eventually } from '../support/eventually.js';
import { redisAvailable } from '../support/redis.js';
import { type Instances, startInstances } from '../support/server-instances.js';
import { createCreditsTenant, type ServerProcess } from '../support/server-process.js';
import { availableBackends } from '../support/test-database.js';

const TOKEN = 'write-ahead-admin-token';
// Each instance calls upstream with its own platform key, so the simulator can say who made each call.
const KEY_A = 'sk-platform-chaos-a-aaaaaaaaaaaaaaaa';
const KEY_B = 'sk-platform-chaos-b-bbbbbbbbbbbbbbbb';
const IN_FLIGHT = 12;
const ready = availableBackends().includes('postgres') && (await redisAvailable());

/**
 * Two instances on one PostgreSQL and one Redis; one is SIGKILLed while its calls are at the
 * upstream. Every call the upstream received has exactly one usage record once the dead
 * instance's intents are recovered; Σ billed = −Σ debits; no hold is left.
 */
describe.skipIf(!ready)('SIGKILL with calls in flight: write-ahead accounting', { timeout: 120_000 }, () => {
  let instances: Instances;
  let sim: UpstreamSimulator;
  let db: Database;
  let a: ServerProcess;
  let b: ServerProcess;
  let tenant: { org: string; key: string };

  beforeAll(async () => {
    instances = await startInstances({ adminToken: TOKEN, platformKeys: [KEY_A, KEY_B], env: { INSTANCE_DEAD_AFTER_MS: '2000' } });
    ({ sim, db, a, b } = instances);
    tenant = await createTenant(b.url);
  });

  afterAll(() => instances?.close());

  const createTenant = (url: string) => createCreditsTenant(url, TOKEN);

  const call = (url: string, stream: boolean) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'tell me a long story about ledgers' }] }),
    })
      .then((response) => response.text().then(() => response.status))
      .catch(() => 0); // the killed instance's connections are cut

  const upstreamCalls = (key: string) => sim.requests.filter((request) => request.apiKey === key).length;
  const records = () => db.prisma.usageRecord.count({ where: { organizationId: tenant.org } });

  async function killDuringLoad(stream: boolean) {
    // Slow answers keep the calls at the upstream: streams chunk by chunk, non-streaming answers after a pause.
    const slow = { kind: 'slow', chunkDelayMs: stream ? 150 : 1_000 } as const;
    sim.setKeyBehavior(KEY_A, slow);
    sim.setKeyBehavior(KEY_B, slow);
    const beforeA = upstreamCalls(KEY_A);
    const onA = Array.from({ length: IN_FLIGHT }, () => call(a.url, stream));
    const onB = Array.from({ length: IN_FLIGHT }, () => call(b.url, stream));
    await eventually('every call of the doomed instance at the upstream', () => upstreamCalls(KEY_A) - beforeA === IN_FLIGHT, {
      timeoutMs: 15_000,
    });
    a.child.kill('SIGKILL');
    await a.exited;
    expect((await Promise.all(onB)).every((status) => status === 200)).toBe(true);
    await Promise.all(onA);
    sim.clearKeyBehaviors();

    // A restarted instance (and B) recover the dead instance's intents once its heartbeat is stale.
    a = await instances.start(KEY_A);
    const calls = () => upstreamCalls(KEY_A) + upstreamCalls(KEY_B);
    await eventually('a usage record for every upstream call', async () => (await records()) === calls(), { timeoutMs: 15_000 });
    // Nothing more arrives later: no call is recorded twice.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await records()).toBe(calls());
    const recovered = await db.prisma.usageRecord.findMany({
      where: { organizationId: tenant.org, tokensEstimated: true, failureClass: 'STREAM_INTERRUPTED', streamed: stream },
    });
    expect(recovered.length).toBeGreaterThanOrEqual(IN_FLIGHT);
    expect(recovered.every((record) => record.billedCostUsd.toNumber() > 0 && record.inputTokens > 0)).toBe(true);
    await assertLedger();
  }

  async function assertLedger() {
    const billed = await db.prisma.usageRecord.aggregate({ where: { organizationId: tenant.org }, _sum: { billedCostUsd: true } });
    const debits = await db.prisma.creditLedgerEntry.aggregate({
      where: { organizationId: tenant.org, kind: 'USAGE' },
      _sum: { amountUsd: true },
    });
    expect(debits._sum.amountUsd?.negated().toFixed(12)).toBe(billed._sum.billedCostUsd?.toFixed(12));
    const all = await db.prisma.creditLedgerEntry.aggregate({ where: { organizationId: tenant.org }, _sum: { amountUsd: true } });
    // Holds come back: the dead instance's lease is released by the sweeper, and no request's
    // hold is left. The live instances keep their credit leases (the organization has room to
    // spare): what is reserved is exactly what those leases hold.
    await releaseExpiredReservations(db.prisma, 1_000);
    const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: tenant.org } });
    expect(organization.creditBalance.toFixed(12)).toBe(all._sum.amountUsd?.toFixed(12));
    const [held] = await db.prisma.$queryRaw<{ leased: string; other: number }[]>`
      SELECT coalesce(sum("creditUsd"), 0)::text AS leased,
        count(*) FILTER (WHERE NOT ("requestId" LIKE 'lease:%' AND ${LEASE_OWNER_CONNECTED}))::int AS other
      FROM "Reservation" WHERE "organizationId" = ${tenant.org}`;
    expect(held?.other, "rows other than live instances' leases").toBe(0);
    expect(organization.creditReserved.toFixed(12)).toBe(new Prisma.Decimal(held?.leased ?? '0').toFixed(12));
    expect(await db.prisma.usageIntent.count({ where: { organizationId: tenant.org } })).toBe(0);
  }

  it('streaming: every upstream call has exactly one usage record after a SIGKILL', async () => {
    await killDuringLoad(true);
  });

  it('non-streaming: every upstream call has exactly one usage record after a SIGKILL', async () => {
    await killDuringLoad(false);
  });
});
