import { randomUUID } from 'node:crypto';
import pg from 'pg';
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
const QUIET = { renewEveryMs: 60_000, ttlMs: 300_000 };

/**
 * Billing statements lock account rows (organizations, budget spend) before lease rows. The
 * hostile interleaving: a session holds a budget's spend row, as a lease extension does, and
 * then needs the budget's lease row. A settlement batch arriving in between must wait for the
 * account row before it touches the lease row; when it updated the lease row first, the two
 * deadlocked and PostgreSQL aborted the settlement after deadlock_timeout.
 */
describe.skipIf(!availableBackends().includes('postgres'))('billing lock order on PostgreSQL', () => {
  let db: Database & { url: string | undefined };
  let store: BillingStore;
  let other: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    store = new BillingStore(db.prisma, db.direct, db.lookups);
    other = new pg.Client({ connectionString: db.url });
    await other.connect();
    // This session never gives up first: if there is a cycle, the settlement is the victim.
    await other.query("SET deadlock_timeout = '10s'");
  });
  afterAll(async () => {
    await other?.end();
    await db?.close();
  });

  /** Wait until some other backend of this database waits on a row lock (the statement under test). */
  async function untilBlocked(): Promise<void> {
    for (let waited = 0; waited < 10_000; waited += 20) {
      // This session is inside a transaction, where pg_stat_activity is read once and kept: a
      // statement whose connection was still opening at the first look would never show.
      await other.query('SELECT pg_stat_clear_snapshot()');
      const { rowCount } = await other.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
      );
      if (rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the statement under test never waited on a lock');
  }

  /**
   * What an extension does next: its lease row. It must be free at once, because the statement
   * under test has not touched it. In the old order this waited on the statement under test until
   * PostgreSQL broke the cycle (the statement's deadlock_timeout, 1 s): the lock timeout turns
   * that wait into this test's failure, even where the statement retries its deadlock.
   */
  async function touchLeaseRow(leaseId: string): Promise<void> {
    await other.query("SET LOCAL lock_timeout = '800ms'");
    await other.query(`UPDATE "Reservation" SET "createdAt" = now() WHERE "requestId" = $1`, [leaseId]);
  }

  it('a settlement waits for the budget row before it touches the lease row: no deadlock, spend exact', async () => {
    const source: LeaseSource = { kind: 'budget', organizationId: 'org', budgetId: randomUUID(), period: 'total', limitUsd: '10' };
    const leases = new Leases(store, logger, QUIET);
    const lease = await leases.hold(source, HOLD);
    expect(lease).not.toBeNull();
    const leaseId = (lease as { id: string }).id;
    const billed = toPico('0.004');

    await other.query('BEGIN');
    await other.query(`SELECT 1 FROM "BudgetSpend" WHERE "budgetId" = $1 FOR UPDATE`, [source.budgetId]);
    const settled = store.settle([budgetSettlement(source, leaseId, HOLD, billed)]).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    await untilBlocked();
    await touchLeaseRow(leaseId);
    await other.query('COMMIT');

    const outcome = await settled;
    expect(outcome).toEqual({ result: { inserted: 1, ledger: 0 } });
    const spend = await db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: source.budgetId, period: 'total' } },
    });
    expect(toPico(spend.spentUsd.toFixed(12))).toBe(billed);
    await leases.close();
  });

  it('a lease given back waits for its account row too', async () => {
    const source: LeaseSource = { kind: 'budget', organizationId: 'org', budgetId: randomUUID(), period: 'total', limitUsd: '10' };
    const leases = new Leases(store, logger, QUIET);
    const lease = await leases.hold(source, HOLD);
    const leaseId = (lease as { id: string }).id;
    const held = await db.prisma.reservation.findUniqueOrThrow({ where: { requestId: leaseId } });

    await other.query('BEGIN');
    await other.query(`SELECT 1 FROM "BudgetSpend" WHERE "budgetId" = $1 FOR UPDATE`, [source.budgetId]);
    const released = store.releaseLease({ id: leaseId, source }, toPico(held.budgetUsd.toFixed(12))).then(
      () => 'released',
      (error: unknown) => error,
    );
    await untilBlocked();
    await touchLeaseRow(leaseId);
    await other.query('COMMIT');

    expect(await released).toBe('released');
    expect(await db.prisma.reservation.count({ where: { requestId: leaseId } })).toBe(0);
    const spend = await db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: source.budgetId, period: 'total' } },
    });
    expect(spend.reservedUsd.toFixed(12)).toBe('0.000000000000');
    await leases.close();
  });
});
