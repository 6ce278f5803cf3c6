import type { PrismaClient } from '../../db/database.js';
import type { Logger } from '../../observability/logger.js';
import { BillingStore } from './billing-store.js';

/**
 * Release holds whose request never settled — the process holding them was killed; each hold
 * is released once even when several instances sweep at once. Returns how many were released.
 */
export async function releaseExpiredReservations(prisma: PrismaClient, olderThanMs: number): Promise<number> {
  return new BillingStore(prisma).releaseExpiredHolds(olderThanMs);
}

/**
 * Sweep request holds older than `ttlMs` (and leases not renewed within `leaseTtlMs`) at
 * start-up and then every `everyMs`; the timer never keeps the process alive. Live leases are
 * swept far more often, by the leases' heartbeat (leases.ts).
 */
export function startReservationSweeper(
  store: BillingStore,
  logger: Logger,
  ttlMs: number,
  leaseTtlMs: number,
  everyMs = 60_000,
): () => void {
  const sweep = async () => {
    try {
      const released = await store.releaseExpiredHolds(ttlMs, leaseTtlMs);
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
