import type { PrismaClient } from '../../db/database.js';
import type { Logger } from '../../observability/logger.js';

/**
 * Release holds whose request never settled — the process holding them was killed. One
 * statement deletes the rows and gives their amounts back, so when several instances sweep
 * at once each row is released exactly once. Returns how many holds were released.
 */
export async function releaseExpiredReservations(prisma: PrismaClient, olderThanMs: number): Promise<number> {
  const [row] = await prisma.$queryRaw<{ released: number }[]>`
    WITH gone AS (
      DELETE FROM "Reservation" WHERE "createdAt" < now() - make_interval(secs => ${olderThanMs / 1000}::double precision)
      RETURNING "organizationId", "creditUsd", "gatewayKeyId", "budgetPeriod", "budgetUsd"
    ),
    credits AS (
      UPDATE "Organization" o SET "creditReserved" = o."creditReserved" - g.total
      FROM (SELECT "organizationId", sum("creditUsd") AS total FROM gone GROUP BY 1) g
      WHERE o."id" = g."organizationId"
      RETURNING 1
    ),
    budgets AS (
      UPDATE "GatewayKeySpend" s SET "reservedUsd" = s."reservedUsd" - g.total
      FROM (SELECT "gatewayKeyId", "budgetPeriod", sum("budgetUsd") AS total FROM gone WHERE "gatewayKeyId" IS NOT NULL GROUP BY 1, 2) g
      WHERE s."gatewayKeyId" = g."gatewayKeyId" AND s."period" = g."budgetPeriod"
      RETURNING 1
    )
    SELECT count(*)::int AS released FROM gone`;
  return row?.released ?? 0;
}

/** Sweep at start-up and then every `everyMs`; the timer never keeps the process alive. */
export function startReservationSweeper(prisma: PrismaClient, logger: Logger, ttlMs: number, everyMs = 60_000): () => void {
  const sweep = async () => {
    try {
      const released = await releaseExpiredReservations(prisma, ttlMs);
      if (released > 0) logger.warn({ released }, 'Released credit and budget holds of requests that never settled');
    } catch (error) {
      logger.error({ err: error }, 'Releasing expired holds failed; will retry');
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
