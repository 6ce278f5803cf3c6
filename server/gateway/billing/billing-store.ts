import { picoToDecimal, toPico } from '../../../shared/money.js';
import type { PrismaClient } from '../../db/database.js';
import { type DirectSql, hotStatementOf, prismaDirectSql } from '../../db/direct-sql.js';
import { Prisma } from '../../db/generated/client.js';
import { retryConflicts } from '../../db/transient-conflict.js';
import { instanceConnectedSql } from './instance-liveness.js';
import { type LeaseAccount, leaseAccount, wantsOf } from './lease-account.js';
import type { Lease } from './leases.js';
import type { SettlementRow } from './settlement-row.js';
import { SETTLE_BATCH, settlementBatchJson } from './settlement-sql.js';
import type { UsageIntent } from './usage-intent.js';
import {
  DROP_SETTLED_INTENTS_SQL,
  HEARTBEAT_SQL,
  INSERT_INTENTS,
  intentParameters,
  RECOVER_INTENTS_SQL,
  RETIRE_INSTANCE_SQL,
} from './usage-intent-sql.js';

export interface CreditGrant {
  organizationId: string;
  amountPico: bigint;
  note: string;
  createdById?: string | null;
  /** When the ledger records the grant (default: now). */
  at?: Date | null;
}

/** What the lease statements need of a lease. */
export type LeaseRef = Pick<Lease, 'id' | 'source'>;

/** The instance that owns a lease row ("lease:<instance>:…") or want marker ("want:lease:<instance>:…") is still connected. */
export const LEASE_OWNER_CONNECTED = Prisma.raw(
  instanceConnectedSql(`split_part("requestId", ':', CASE WHEN "requestId" LIKE 'want:%' THEN 3 ELSE 2 END)`),
);

/**
 * The only code that moves money: credit balances and their ledger, reservations (credit
 * and budget leases) and budget spend (gateway keys', tags' and end users' alike), and the usage records settlement writes beside
 * them. Every statement touching CreditLedgerEntry, Reservation, BudgetSpend or UsageIntent is run
 * here (the long ones are built in settlement-sql.ts and usage-intent-sql.ts);
 * each is a single statement, so nothing holds a connection between round trips (PGlite has one).
 */
export class BillingStore {
  constructor(
    private readonly prisma: PrismaClient,
    /** The hot path's intents and settlement batches: the database's direct connection where there is one. */
    private readonly direct: DirectSql = prismaDirectSql(prisma),
    /** Lease extensions, which wait on settlement's locks: on connections apart from the intents'. */
    private readonly leaseSql: DirectSql = direct,
  ) {}

  /**
   * Reserve more for a lease, under the lock of the row it is reserved on (the organization's,
   * or the budget's for the period). Never more than half of what is available (another instance
   * must find some too): the chunk, capped at half; else `amountPico` if that much is available;
   * else, while this lease's own `sparePico` plus what is available is positive, what the hold
   * still lacks (the last request may pass the limit by its own hold); else nothing, and a want
   * marker asks the other holders of the source's leases to hand back their spare. Returns what
   * was granted.
   */
  async extendLease(lease: LeaseRef, amountPico: bigint, chunkPico: bigint, sparePico = 0n): Promise<bigint> {
    const account = leaseAccount(lease.source);
    for (let attempt = 0; ; attempt += 1) {
      // Every billing statement locks account rows before lease rows (settlement-sql.ts), but a
      // lease row another statement is inserting, or the sweeper's deletes, can still make
      // PostgreSQL abort one for a deadlock: run it again.
      const { found, granted } = await retryConflicts(() => this.tryExtendLease(lease, account, amountPico, chunkPico, sparePico));
      const create = account.create;
      if (found || !create || attempt > 0) return granted;
      // A budget's first lease in a period creates its row first: a row being inserted cannot be locked.
      await retryConflicts(() => this.prisma.$executeRaw(create));
    }
  }

  private async tryExtendLease(
    lease: LeaseRef,
    account: LeaseAccount,
    amountPico: bigint,
    chunkPico: bigint,
    sparePico: bigint,
  ): Promise<{ found: boolean; granted: bigint }> {
    const chunk = picoToDecimal(chunkPico);
    const amount = picoToDecimal(amountPico);
    const spare = picoToDecimal(sparePico);
    const { organizationId } = lease.source;
    const want = `want:${lease.id}`;
    // Through the hot path's prepared statements: an organization back after an idle spell
    // extends its credit lease before its first request goes on, and Prisma's raw-query
    // machinery would cost that request several times the statement's own CPU.
    const { statement, values } = hotStatementOf(
      'kp_extend_lease',
      Prisma.sql`
      WITH o AS (SELECT ${account.available} AS available FROM ${account.table} WHERE ${account.match} FOR UPDATE),
      g AS (
        SELECT CASE
          WHEN available / 2 >= ${amount}::numeric THEN least(${chunk}::numeric, available / 2)
          WHEN available >= ${amount}::numeric THEN ${amount}::numeric
          WHEN available + ${spare}::numeric > 0 THEN ${amount}::numeric - ${spare}::numeric
          ELSE 0 END AS granted
        FROM o
      ),
      reserved AS (
        UPDATE ${account.table} SET ${account.reserved} = ${account.reserved} + g.granted ${account.alsoSet}
        FROM g WHERE ${account.match} AND g.granted > 0
        RETURNING g.granted
      ),
      leased AS (
        INSERT INTO "Reservation" ("requestId", "organizationId", "budgetIds", "budgetPeriods", ${account.leaseAmount}, "createdAt")
        SELECT ${lease.id}::text, ${organizationId}::text, ${account.budgetIds}::text[], ${account.budgetPeriods}::text[], granted, now() FROM reserved
        ON CONFLICT ("requestId") DO UPDATE
        SET ${account.leaseAmount} = "Reservation".${account.leaseAmount} + EXCLUDED.${account.leaseAmount}, "createdAt" = now()
        RETURNING 1
      ),
      satisfied AS (
        DELETE FROM "Reservation" WHERE "requestId" = ${want} AND EXISTS (SELECT 1 FROM reserved) RETURNING 1
      ),
      wanted AS (
        INSERT INTO "Reservation" ("requestId", "organizationId", "budgetIds", "budgetPeriods", "createdAt")
        SELECT ${want}::text, ${organizationId}::text, ${account.budgetIds}::text[], ${account.budgetPeriods}::text[], now() FROM g WHERE g.granted = 0
        ON CONFLICT ("requestId") DO UPDATE SET "createdAt" = now()
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM o) AS found, coalesce((SELECT granted FROM reserved), 0)::text AS granted`,
    );
    const [row] = await this.leaseSql.query<{ found: boolean; granted: string }>(statement, values);
    return { found: row?.found ?? false, granted: toPico(row?.granted ?? '0') };
  }

  /**
   * Give back what is left of a lease: `unspentPico`, what this instance knows no request will
   * bill from it. Settlements still waiting in the writer's queue keep their part on record (the
   * row stays with it until they consume it, or the lease sweep takes it), so what is available
   * is never overstated while they are in flight.
   */
  async releaseLease(lease: LeaseRef, unspentPico: bigint): Promise<void> {
    const account = leaseAccount(lease.source);
    const unspent = picoToDecimal(unspentPico > 0n ? unspentPico : 0n);
    await retryConflicts(
      () => this.prisma.$executeRaw`
      WITH account AS (SELECT 1 FROM ${account.table} WHERE ${account.match} FOR UPDATE),
      old AS (
        SELECT ${account.leaseAmount} AS held FROM "Reservation"
        WHERE "requestId" = ${lease.id} AND (SELECT count(*) FROM account) >= 0 FOR UPDATE
      ),
      gone AS (
        DELETE FROM "Reservation" WHERE "requestId" = ${lease.id} AND (SELECT held FROM old) <= ${unspent}::numeric
        RETURNING ${account.leaseAmount} AS back
      ),
      kept AS (
        UPDATE "Reservation" SET ${account.leaseAmount} = ${account.leaseAmount} - ${unspent}::numeric
        WHERE "requestId" = ${lease.id} AND (SELECT held FROM old) > ${unspent}::numeric
        RETURNING ${unspent}::numeric AS back
      )
      UPDATE ${account.table} SET ${account.reserved} = ${account.reserved} - coalesce((SELECT back FROM gone), (SELECT back FROM kept), 0)
      WHERE ${account.match} AND EXISTS (SELECT 1 FROM old)`,
    );
  }

  /** Hand part of a lease back (what no request in flight holds), and clear the want markers that asked for it. */
  async shrinkLease(lease: LeaseRef, amountPico: bigint): Promise<void> {
    const account = leaseAccount(lease.source);
    const amount = picoToDecimal(amountPico);
    await retryConflicts(
      () => this.prisma.$executeRaw`
      WITH account AS (SELECT 1 FROM ${account.table} WHERE ${account.match} FOR UPDATE),
      shrunk AS (
        UPDATE "Reservation" SET ${account.leaseAmount} = ${account.leaseAmount} - ${amount}::numeric
        WHERE "requestId" = ${lease.id} AND (SELECT count(*) FROM account) >= 0 RETURNING 1
      ),
      answered AS (
        DELETE FROM "Reservation" WHERE ${wantsOf(lease.source, account)} AND (SELECT count(*) FROM account) >= 0 RETURNING 1
      )
      UPDATE ${account.table} SET ${account.reserved} = ${account.reserved} - ${amount}::numeric
      WHERE ${account.match} AND EXISTS (SELECT 1 FROM shrunk)`,
    );
  }

  /**
   * The lease heartbeat: mark these leases alive (the lease sweep leaves rows renewed within its
   * TTL alone). Returns the leases still on record (a row swept while this process stalled is
   * gone: its amount is back with its source), and those of them whose source another lease
   * wants (a want marker of the same organization and budget).
   */
  async renewLeases(leaseIds: string[]): Promise<{ alive: string[]; wanted: string[] }> {
    const wantIds = leaseIds.map((id) => `want:${id}`);
    const rows = await retryConflicts(
      () => this.prisma.$queryRaw<{ id: string; wanted: boolean }[]>`
      WITH locked AS (SELECT "requestId" FROM "Reservation" WHERE "requestId" = ANY(${leaseIds}) ORDER BY "requestId" FOR UPDATE),
      renewed AS (
        UPDATE "Reservation" SET "createdAt" = now() WHERE "requestId" IN (SELECT "requestId" FROM locked)
        RETURNING "requestId", "organizationId", "budgetIds", "budgetPeriods"
      )
      SELECT r."requestId" AS id, EXISTS (
        SELECT 1 FROM "Reservation" w
        WHERE w."requestId" LIKE 'want:%' AND NOT (w."requestId" = ANY(${wantIds})) AND w."organizationId" = r."organizationId"
          AND w."budgetIds" = r."budgetIds" AND w."budgetPeriods" = r."budgetPeriods"
      ) AS wanted
      FROM renewed r`,
    );
    return { alive: rows.map((row) => row.id), wanted: rows.filter((row) => row.wanted).map((row) => row.id) };
  }

  /**
   * Release holds whose request never settled (the process holding them was killed): request
   * holds older than `holdTtlMs` (null: none), leases and want markers not renewed within
   * `leaseTtlMs` whose instance no longer holds its liveness lock (it is dead, not stalled). One statement deletes the rows and gives their amounts
   * back, so when several instances sweep at once each row is released exactly once. Returns how
   * many rows were released.
   */
  async releaseExpiredHolds(holdTtlMs: number | null, leaseTtlMs: number = holdTtlMs ?? 0): Promise<number> {
    const holdSecs = holdTtlMs === null ? null : holdTtlMs / 1000;
    const [row] = await retryConflicts(
      () => this.prisma.$queryRaw<{ released: number }[]>`
      WITH gone AS (
        DELETE FROM "Reservation" WHERE CASE
          WHEN "requestId" LIKE 'lease:%' OR "requestId" LIKE 'want:%'
            THEN "createdAt" < now() - make_interval(secs => ${leaseTtlMs / 1000}::double precision) AND NOT ${LEASE_OWNER_CONNECTED}
          ELSE ${holdSecs}::double precision IS NOT NULL
            AND "createdAt" < now() - make_interval(secs => ${holdSecs}::double precision)
          END
        RETURNING "organizationId", "creditUsd", "budgetIds", "budgetPeriods", "budgetUsd"
      ),
      credits AS (
        UPDATE "Organization" o SET "creditReserved" = o."creditReserved" - g.total
        FROM (SELECT "organizationId", sum("creditUsd") AS total FROM gone GROUP BY 1) g
        WHERE o."id" = g."organizationId"
        RETURNING 1
      ),
      budgets AS (
        UPDATE "BudgetSpend" s SET "reservedUsd" = s."reservedUsd" - g.total
        FROM (
          SELECT u."budgetId", u."period", sum(gone."budgetUsd") AS total
          FROM gone CROSS JOIN LATERAL unnest(gone."budgetIds", gone."budgetPeriods") AS u("budgetId", "period")
          GROUP BY 1, 2
        ) g
        WHERE s."budgetId" = g."budgetId" AND s."period" = g."period"
        RETURNING 1
      )
      SELECT count(*)::int AS released FROM gone`,
    );
    return row?.released ?? 0;
  }

  /** Add credit to an organization's balance with its GRANT ledger entry; returns the balance after. */
  async grantCredits(grant: CreditGrant): Promise<bigint> {
    const amount = picoToDecimal(grant.amountPico);
    const [row] = await this.prisma.$queryRaw<{ balance: string }[]>`
      WITH o AS (
        UPDATE "Organization" SET "creditBalance" = "creditBalance" + ${amount}::numeric
        WHERE "id" = ${grant.organizationId} RETURNING "creditBalance"
      )
      INSERT INTO "CreditLedgerEntry" ("id", "organizationId", "kind", "amountUsd", "balanceAfter", "note", "createdById", "createdAt")
      SELECT gen_random_uuid()::text, ${grant.organizationId}, 'GRANT'::"LedgerEntryKind", ${amount}::numeric, o."creditBalance",
        ${grant.note}, ${grant.createdById ?? null}, coalesce(${grant.at?.toISOString() ?? null}::timestamptz, now())
      FROM o
      RETURNING "balanceAfter"::text AS balance`;
    if (!row) throw new Error(`No organization ${grant.organizationId} to grant credits to`);
    return toPico(row.balance);
  }

  /**
   * Settle a batch in one statement (see SETTLE_BATCH). Usage records are keyed by request
   * id, so a retried batch records and charges each request once.
   */
  async settle(rows: readonly SettlementRow[]): Promise<{ inserted: number; ledger: number }> {
    const [result] = await this.direct.query<{ inserted: number; ledger: number }>(SETTLE_BATCH, [settlementBatchJson(rows)]);
    return result ?? { inserted: 0, ledger: 0 };
  }

  /**
   * Commit a batch of write-ahead intents (and the instance's row, if new) in one statement;
   * `onSent` once the statement has left this process, where the driver can tell (DirectSql).
   */
  async writeIntents(instanceId: string, intents: readonly UsageIntent[], onSent?: () => void): Promise<void> {
    await this.direct.query(INSERT_INTENTS, intentParameters(instanceId, intents), onSent);
  }

  /** Say this instance is alive, so nobody recovers its intents. */
  async heartbeat(instanceId: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(HEARTBEAT_SQL, instanceId);
  }

  /** A cleanly stopped instance: anything it left is recovered by the next pass, without waiting for its heartbeat to age. */
  async retireInstance(instanceId: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(RETIRE_INSTANCE_SQL, instanceId);
  }

  /**
   * Take a journal file's intents (`rowsJson`: the rows INSERT_INTENTS reads) on record under
   * `instanceId`, a name no live instance has: those whose request has a usage record go, and
   * the instance is retired, so the next recovery pass records the rest. Returns how many are left.
   */
  async adoptIntents(instanceId: string, rowsJson: string): Promise<number> {
    await this.direct.query(INSERT_INTENTS, [instanceId, rowsJson]);
    const [row] = await this.prisma.$queryRawUnsafe<{ left: number }[]>(DROP_SETTLED_INTENTS_SQL, instanceId);
    await this.retireInstance(instanceId);
    return row?.left ?? 0;
  }

  /**
   * Turn up to `limit` intents of dead instances (heartbeat older than `deadAfterMs`, other than
   * `selfId`) into settled usage records; see RECOVER_INTENTS_SQL. Returns how many were recorded.
   */
  async recoverIntents(selfId: string, deadAfterMs: number, limit = 1_000): Promise<number> {
    const [result] = await this.prisma.$queryRawUnsafe<{ inserted: number }[]>(RECOVER_INTENTS_SQL, selfId, deadAfterMs / 1000, limit);
    return result?.inserted ?? 0;
  }
}
