import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { BillingStore } from '../../../server/gateway/billing/billing-store.js';
import { type LeaseSource, Leases } from '../../../server/gateway/billing/leases.js';
import { createLogger } from '../../../server/observability/logger.js';
import { toPico } from '../../../shared/money.js';
import { budgetSettlement } from '../../support/billing-fixtures.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

const logger = createLogger({ level: 'silent' });
const HOLD = toPico('0.01');
/** No heartbeat during a test: each renewal, shrink and sweep here is the test's own. */
const QUIET = { renewEveryMs: 60_000, ttlMs: 300_000 };

/** Budget leases against the real statements: what is leased, spent and given back on BudgetSpend. */
describe.each(availableBackends())('budget leases on %s', (backend) => {
  let db: Database;
  let store: BillingStore;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
    store = new BillingStore(db.prisma, db.direct, db.lookups);
  });
  afterAll(() => db?.close());

  const budget = (limitUsd: string): LeaseSource => ({
    kind: 'budget',
    organizationId: 'org',
    budgetId: randomUUID(),
    period: 'total',
    limitUsd,
  });
  const spendOf = async (source: LeaseSource) => {
    if (source.kind !== 'budget') throw new Error('a budget source');
    const row = await db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: source.budgetId, period: source.period } },
    });
    return { spent: toPico(row.spentUsd.toFixed(12)), reserved: toPico(row.reservedUsd.toFixed(12)) };
  };
  const settle = (source: LeaseSource, leaseId: string, billed: bigint) => store.settle([budgetSettlement(source, leaseId, HOLD, billed)]);

  it('a burst of holds passes a small budget by less than one hold, and spend is what was billed', async () => {
    const source = budget('0.05');
    const leases = new Leases(store, logger, QUIET);
    const held = await Promise.all(Array.from({ length: 20 }, () => leases.hold(source, HOLD)));
    const admitted = held.filter((lease) => lease !== null);
    // 0.05 of headroom, 0.01 each: five fit; the sixth may take the last of it only while some is left.
    expect(admitted.length).toBeGreaterThanOrEqual(5);
    expect(BigInt(admitted.length) * HOLD).toBeLessThan(toPico('0.05') + HOLD);
    const billed = toPico('0.007');
    for (const lease of admitted) {
      leases.settle(lease, HOLD, billed);
      await settle(source, lease.id, billed);
    }
    await leases.close();
    const { spent, reserved } = await spendOf(source);
    expect(spent).toBe(BigInt(admitted.length) * billed);
    expect(reserved).toBe(0n);
    expect(
      await db.prisma.reservation.count({
        where: { requestId: { startsWith: 'lease:' }, budgetIds: { has: (source as { budgetId: string }).budgetId } },
      }),
    ).toBe(0);
  });

  it('takes slices of a few holds, capped at half the headroom, and a clean close gives them back', async () => {
    const source = budget('10');
    const leases = new Leases(store, logger, QUIET);
    const lease = await leases.hold(source, HOLD);
    expect(lease?.held).toBe(10n * HOLD);
    expect((await spendOf(source)).reserved).toBe(10n * HOLD);
    const small = budget('0.03');
    const smallLease = await leases.hold(small, HOLD);
    expect(smallLease?.held).toBe(toPico('0.015'));
    for (const held of [lease, smallLease]) if (held) leases.settle(held, HOLD, 0n);
    await leases.close();
    expect((await spendOf(source)).reserved).toBe(0n);
    expect((await spendOf(small)).reserved).toBe(0n);
  });

  it('a lease another instance wants is shrunk at renewal; a dead instance’s lease is swept', async () => {
    const source = budget('0.04');
    const first = new Leases(store, logger, QUIET);
    const second = new Leases(store, logger, QUIET);
    const taken = await first.hold(source, HOLD);
    expect(taken?.held).toBe(toPico('0.02'));
    await second.hold(source, HOLD);
    await second.hold(source, HOLD);
    // 0.04 is all leased now (0.02 + 0.01 + 0.01): a third hold of the second instance asks for some.
    expect(await second.hold(source, HOLD)).toBeNull();
    const { alive, wanted } = await store.renewLeases([taken?.id ?? '']);
    expect(alive).toEqual([taken?.id]);
    expect(wanted).toEqual([taken?.id]);
    if (!taken) throw new Error('expected a lease');
    await store.shrinkLease(taken, toPico('0.01'));
    expect((await spendOf(source)).reserved).toBe(toPico('0.03'));

    // Never renewed again and its instance holds no liveness lock: the sweep gives every lease back.
    expect(await store.releaseExpiredHolds(null, 0)).toBeGreaterThan(0);
    expect((await spendOf(source)).reserved).toBe(0n);
    for (const leases of [first, second]) await leases.close();
  });
});
