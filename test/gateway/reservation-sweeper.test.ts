import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { releaseExpiredReservations } from '../../server/gateway/billing/reservation-sweeper.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

describe.each(availableBackends())('reservation sweeper on %s', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
  });
  afterAll(() => db?.close());

  async function seed(creditsHeld: string[], budgetHeld: string[], ageMs: number) {
    const organization = await db.prisma.organization.create({
      data: { name: 'o', slug: `o-${Math.random().toString(36).slice(2)}`, creditBalance: '10', creditReserved: '0' },
    });
    const project = await db.prisma.project.create({ data: { organizationId: organization.id, name: 'p' } });
    const key = await db.prisma.gatewayKey.create({
      data: { projectId: project.id, name: 'k', hash: Math.random().toString(36), prefix: 'kp_x' },
    });
    const total = (amounts: string[]) => amounts.reduce((sum, amount) => sum + Number(amount), 0).toFixed(6);
    await db.prisma.organization.update({ where: { id: organization.id }, data: { creditReserved: total(creditsHeld) } });
    await db.prisma.budgetSpend.create({
      data: { budgetId: key.id, period: 'total', spentUsd: '1', reservedUsd: total(budgetHeld) },
    });
    const createdAt = new Date(Date.now() - ageMs);
    await db.prisma.reservation.createMany({
      data: [
        ...creditsHeld.map((creditUsd, i) => ({
          requestId: `${organization.id}-c${i}`,
          organizationId: organization.id,
          creditUsd,
          createdAt,
        })),
        ...budgetHeld.map((budgetUsd, i) => ({
          requestId: `${organization.id}-b${i}`,
          organizationId: organization.id,
          budgetIds: [key.id],
          budgetPeriods: ['total'],
          budgetUsd,
          createdAt,
        })),
      ],
    });
    return { organizationId: organization.id, gatewayKeyId: key.id };
  }

  it('gives back the holds of requests that never settled, and only expired ones', async () => {
    const stale = await seed(['0.25', '0.5'], ['0.125'], 120_000);
    const fresh = await seed(['0.75'], [], 0);
    const released = await releaseExpiredReservations(db.prisma, 60_000);
    expect(released).toBeGreaterThanOrEqual(3);
    const staleOrg = await db.prisma.organization.findUniqueOrThrow({ where: { id: stale.organizationId } });
    expect(staleOrg.creditReserved.toNumber()).toBe(0);
    expect(staleOrg.creditBalance.toNumber()).toBe(10);
    const spend = await db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: stale.gatewayKeyId, period: 'total' } },
    });
    expect(spend.reservedUsd.toNumber()).toBe(0);
    expect(spend.spentUsd.toNumber()).toBe(1);
    const freshOrg = await db.prisma.organization.findUniqueOrThrow({ where: { id: fresh.organizationId } });
    expect(freshOrg.creditReserved.toNumber()).toBe(0.75);
    expect(await db.prisma.reservation.count({ where: { organizationId: fresh.organizationId } })).toBe(1);
  });

  it('releases each hold once when several instances sweep at the same time', async () => {
    const stale = await seed(['0.5', '0.5', '0.5', '0.5'], [], 120_000);
    const results = await Promise.all([1, 2, 3, 4].map(() => releaseExpiredReservations(db.prisma, 60_000)));
    expect(results.reduce((a, b) => a + b, 0)).toBe(4);
    const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: stale.organizationId } });
    expect(organization.creditReserved.toNumber()).toBe(0);
  });
});
