import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { BillingStore } from '../../../server/gateway/billing/billing-store.js';
import { IntentJournal } from '../../../server/gateway/billing/intent-journal.js';
import { settlementRow } from '../../../server/gateway/billing/settlement-row.js';
import type { UsageIntent } from '../../../server/gateway/billing/usage-intent.js';
import { createLogger } from '../../../server/observability/logger.js';
import { seedBillingTenant, testIntent } from '../../support/billing-fixtures.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

const logger = createLogger({ level: 'silent' });
const PICO = 1_000_000_000_000n;

describe.each(availableBackends())('write-ahead usage intents on %s', (backend) => {
  let db: Database;
  let store: BillingStore;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
    store = new BillingStore(db.prisma, db.direct);
  });
  afterAll(() => db?.close());

  const tenant = () => seedBillingTenant(db);
  const intent = testIntent;

  it('commits intents arriving together in one batch, and each says so once committed', async () => {
    const t = await tenant();
    const batches: number[] = [];
    const counting = {
      ...store,
      writeIntents: (id: string, intents: readonly UsageIntent[]) => {
        batches.push(intents.length);
        return store.writeIntents(id, intents);
      },
      heartbeat: store.heartbeat.bind(store),
      recoverIntents: store.recoverIntents.bind(store),
      retireInstance: store.retireInstance.bind(store),
    };
    const journal = new IntentJournal(counting, logger, 'instance-batch', { maxWaitMs: 5 });
    const writes = Array.from({ length: 40 }, (_, i) => journal.record(intent(t, `${t.organizationId}-${i}`)));
    expect(await Promise.all(writes.map((write) => write.committed))).toEqual(writes.map(() => true));
    expect(batches).toEqual([40]);
    expect(await db.prisma.usageIntent.count({ where: { organizationId: t.organizationId } })).toBe(40);
    expect((await db.prisma.gatewayInstance.findUnique({ where: { id: 'instance-batch' } }))?.id).toBe('instance-batch');
    await journal.close();
  });

  it('settlement deletes the intent in the statement that writes the record', async () => {
    const t = await tenant();
    await store.writeIntents('instance-settle', [intent(t, `${t.organizationId}-s`)]);
    await store.settle([
      settlementRow({ ...t, requestId: `${t.organizationId}-s`, model: 'gpt-4o-mini', status: 'SUCCESS', httpStatus: 200, latencyMs: 5 }),
    ]);
    expect(await db.prisma.usageIntent.count({ where: { organizationId: t.organizationId } })).toBe(0);
    expect(await db.prisma.usageRecord.count({ where: { organizationId: t.organizationId } })).toBe(1);
  });

  it('hostile names and messages reach the intent and the record exactly as sent (the embedded path quotes them as literals)', async () => {
    const t = await tenant();
    const hostile = `x'); DROP TABLE "UsageIntent"; --\\'' \\x00 $$ $tag$ \u2028 ☃ "quoted" \\\\`;
    const requestId = `${t.organizationId}-h`;
    await store.writeIntents('instance-hostile', [intent(t, requestId, { model: hostile, keyRef: hostile, priceSource: hostile })]);
    const written = await db.prisma.usageIntent.findUniqueOrThrow({ where: { requestId } });
    expect([written.model, written.keyRef, written.priceSource]).toEqual([hostile, hostile, hostile]);
    await store.settle([
      settlementRow({
        ...t,
        requestId,
        model: hostile,
        endUser: hostile,
        status: 'FAILED',
        httpStatus: 502,
        errorMessage: hostile,
        latencyMs: 5,
        routing: { note: hostile },
      }),
    ]);
    const record = await db.prisma.usageRecord.findFirstOrThrow({ where: { requestId } });
    expect([record.model, record.endUser, record.errorMessage]).toEqual([hostile, hostile, hostile]);
    expect(record.routing).toEqual({ note: hostile });
    expect(await db.prisma.usageIntent.count({ where: { requestId } })).toBe(0);
  });

  it("records a dead instance's intents once, billed at their estimate, holds released; a live instance's stay", async () => {
    const t = await tenant();
    // The dead instance held a budget hold for one request and a lease of $1 for the organization.
    await db.prisma.budgetSpend.create({ data: { budgetId: t.gatewayKeyId, period: 'total', spentUsd: '0', reservedUsd: '0.5' } });
    await db.prisma.organization.update({ where: { id: t.organizationId }, data: { creditReserved: '1' } });
    await db.prisma.reservation.createMany({
      data: [
        {
          requestId: `${t.organizationId}-d0`,
          organizationId: t.organizationId,
          budgetIds: [t.gatewayKeyId],
          budgetPeriods: ['total'],
          budgetUsd: '0.5',
        },
        { requestId: 'lease:dead', organizationId: t.organizationId, creditUsd: '1' },
      ],
    });
    const dead = Array.from({ length: 30 }, (_, i) =>
      intent(t, `${t.organizationId}-d${i}`, {
        leaseId: 'lease:dead',
        budget: i === 0 ? { budgets: [{ budgetId: t.gatewayKeyId, period: 'total' }], reservedPico: PICO / 2n } : null,
      }),
    );
    await store.writeIntents('instance-dead', dead);
    await store.writeIntents('instance-live', [intent(t, `${t.organizationId}-live`)]);
    await db.prisma.gatewayInstance.update({ where: { id: 'instance-dead' }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });

    // Two instances recover at the same time, in small claims: every intent is recorded exactly once.
    const recover = async (self: string) => {
      let total = 0;
      for (let n = await store.recoverIntents(self, 10_000, 7); n > 0; n = await store.recoverIntents(self, 10_000, 7)) total += n;
      return total;
    };
    const [a, b] = await Promise.all([recover('instance-a'), recover('instance-b')]);
    // (Other tests' leftovers — the retired instance-batch's intents — are recovered too.)
    expect(a + b).toBeGreaterThanOrEqual(30);

    const records = await db.prisma.usageRecord.findMany({ where: { organizationId: t.organizationId } });
    expect(records).toHaveLength(30);
    for (const record of records) {
      expect(record).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED', tokensEstimated: true, inputTokens: 120 });
      expect(record.outputTokens).toBe(0);
      expect(record.billedCostUsd.toFixed(12)).toBe('0.000027000000');
    }
    const ledger = await db.prisma.creditLedgerEntry.aggregate({ where: { organizationId: t.organizationId }, _sum: { amountUsd: true } });
    expect(ledger._sum.amountUsd?.toFixed(12)).toBe('-0.000810000000');
    const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: t.organizationId } });
    expect(organization.creditBalance.toFixed(12)).toBe('9.999190000000');
    // What was billed left the dead lease; the rest of it is the sweeper's to give back.
    expect(organization.creditReserved.toFixed(12)).toBe('0.999190000000');
    const spend = await db.prisma.budgetSpend.findFirstOrThrow({ where: { budgetId: t.gatewayKeyId } });
    expect(spend.reservedUsd.toNumber()).toBe(0);
    expect(spend.spentUsd.toFixed(12)).toBe('0.000027000000');
    expect(await db.prisma.reservation.count({ where: { requestId: `${t.organizationId}-d0` } })).toBe(0);

    // The live instance's intent is untouched; the dead instance is forgotten once nothing of it is left.
    expect(await db.prisma.usageIntent.count({ where: { organizationId: t.organizationId } })).toBe(1);
    await store.recoverIntents('instance-a', 10_000);
    expect(await db.prisma.gatewayInstance.count({ where: { id: 'instance-dead' } })).toBe(0);
    expect(await db.prisma.gatewayInstance.count({ where: { id: 'instance-live' } })).toBe(1);
  });
});
