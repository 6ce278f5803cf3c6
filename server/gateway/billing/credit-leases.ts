import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../db/database.js';
import type { Logger } from '../../observability/logger.js';
import { decimalToPico, picoToDecimal } from './pricing.js';

/** How many worst-case holds one lease extension tries to cover. */
const CHUNK_FACTOR = 100n;
const IDLE_RELEASE_MS = 1_000;
const SWEEP_EVERY_MS = 500;
/** Active leases refresh their row well inside the sweeper's TTL. */
const TOUCH_EVERY_MS = 60_000;

/** One lease of one organization's credit; a released lease is never reused. */
export interface Lease {
  organizationId: string;
  /** The lease's Reservation row; settlement names it when it consumes the lease. */
  id: string;
  /** Reserved in the database for this instance (Organization.creditReserved, and the lease row). */
  held: bigint;
  /** Held by requests in flight. */
  used: bigint;
  idleSince: number;
  extending: Promise<void> | null;
}

/**
 * Credit holds without a database round trip per request. Each instance reserves a chunk
 * of an organization's credit (a lease: Organization.creditReserved plus a Reservation row
 * the sweeper can release if the process dies) and hands holds out of it in memory.
 *
 * A lease never exceeds the credit available when it is taken, except that the last
 * request may take its own hold from a balance smaller than it (SPEC: parallel requests
 * overdraw by no more than what requests in flight reserved). Settlement consumes the
 * lease by what was billed; a lease idle for a second goes back.
 */
export class CreditLeases {
  readonly instanceId = randomUUID();
  private readonly leases = new Map<string, Lease>();
  private readonly timer: NodeJS.Timeout;
  private lastTouch = Date.now();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.maintain(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  private generation = 0;

  /** Hold `amount` of the organization's credit; null when it is out of credit. */
  async hold(organizationId: string, amount: bigint): Promise<Lease | null> {
    const lease = this.lease(organizationId);
    for (let tries = 0; tries < 3; tries += 1) {
      if (lease.held - lease.used >= amount) {
        lease.used += amount;
        return lease;
      }
      lease.extending ??= this.extend(lease, amount).finally(() => {
        lease.extending = null;
      });
      const before = lease.held;
      await lease.extending;
      if (lease.held === before && lease.held - lease.used < amount) break;
    }
    if (lease.held - lease.used >= amount) {
      lease.used += amount;
      return lease;
    }
    return null;
  }

  /** A request settled: its hold ends, and what it was billed is spent from the lease. */
  settle(lease: Lease, heldAmount: bigint, billed: bigint): void {
    lease.used -= heldAmount;
    lease.held -= billed;
    if (lease.used === 0n) lease.idleSince = Date.now();
  }

  /** Give back leases no request uses (all of them with `idleMs` = 0). */
  async releaseIdle(idleMs = IDLE_RELEASE_MS): Promise<void> {
    const now = Date.now();
    for (const [organizationId, lease] of this.leases) {
      if (lease.used !== 0n || lease.extending || now - lease.idleSince < idleMs) continue;
      this.leases.delete(organizationId);
      // The row holds what is reserved, including billing not yet written: giving the whole
      // row back is right, because settlement skips leases whose row is gone.
      await this.prisma.$executeRaw`
        WITH gone AS (DELETE FROM "Reservation" WHERE "requestId" = ${lease.id} RETURNING "creditUsd")
        UPDATE "Organization" SET "creditReserved" = "creditReserved" - (SELECT "creditUsd" FROM gone)
        WHERE "id" = ${organizationId} AND EXISTS (SELECT 1 FROM gone)`;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.releaseIdle(0);
  }

  private lease(organizationId: string): Lease {
    let lease = this.leases.get(organizationId);
    if (!lease) {
      this.generation += 1;
      const id = `lease:${this.instanceId}:${organizationId}:${this.generation}`;
      lease = { organizationId, id, held: 0n, used: 0n, idleSince: Date.now(), extending: null };
      this.leases.set(organizationId, lease);
    }
    return lease;
  }

  /** Reserve more credit in one statement, under the organization row's lock. */
  private async extend(lease: Lease, amount: bigint): Promise<void> {
    const { organizationId } = lease;
    const chunk = amount * CHUNK_FACTOR > 0n ? amount * CHUNK_FACTOR : 1n;
    const [row] = await this.prisma.$queryRaw<{ granted: unknown }[]>`
      WITH o AS (
        SELECT "id", "creditBalance" - "creditReserved" AS available FROM "Organization" WHERE "id" = ${organizationId} FOR UPDATE
      ),
      g AS (
        SELECT "id", CASE
          WHEN available >= ${picoToDecimal(chunk)}::numeric THEN ${picoToDecimal(chunk)}::numeric
          WHEN available >= ${picoToDecimal(amount)}::numeric THEN available
          WHEN available > 0 THEN ${picoToDecimal(amount)}::numeric
          ELSE 0 END AS granted
        FROM o
      ),
      reserved AS (
        UPDATE "Organization" org SET "creditReserved" = org."creditReserved" + g.granted
        FROM g WHERE org."id" = g."id" AND g.granted > 0
        RETURNING g.granted
      ),
      leased AS (
        INSERT INTO "Reservation" ("requestId", "organizationId", "creditUsd", "createdAt")
        SELECT ${lease.id}, ${organizationId}, granted, now() FROM reserved
        ON CONFLICT ("requestId") DO UPDATE SET "creditUsd" = "Reservation"."creditUsd" + EXCLUDED."creditUsd", "createdAt" = now()
        RETURNING 1
      )
      SELECT coalesce((SELECT granted FROM reserved), 0)::text AS granted`;
    lease.held += decimalToPico(String(row?.granted ?? '0'));
  }

  /** Return idle leases; keep active lease rows fresh so the sweeper leaves them alone. */
  private async maintain(): Promise<void> {
    try {
      await this.releaseIdle();
      if (Date.now() - this.lastTouch < TOUCH_EVERY_MS || this.leases.size === 0) return;
      this.lastTouch = Date.now();
      const ids = [...this.leases.values()].map((lease) => lease.id);
      await this.prisma.$executeRaw`UPDATE "Reservation" SET "createdAt" = now() WHERE "requestId" = ANY(${ids})`;
    } catch (error) {
      this.logger.warn({ err: error }, 'Maintaining credit leases failed; will retry');
    }
  }
}
