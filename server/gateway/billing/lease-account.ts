import { Prisma } from '../../db/generated/client.js';
import type { LeaseSource } from './leases.js';

/**
 * Where a lease's amount is reserved, as SQL for the billing store's lease statements: one set
 * of statements serves credit and budget leases alike.
 */
export interface LeaseAccount {
  /** The row the amount is reserved on. */
  table: Prisma.Sql;
  /** Selects that one row (unqualified columns of `table`). */
  match: Prisma.Sql;
  /** What the row has available to lease (over `table`'s columns). */
  available: Prisma.Sql;
  /** The column holding what is reserved. */
  reserved: Prisma.Sql;
  /** More to set when reserving (a budget records the limit its alerts compare spend with). */
  alsoSet: Prisma.Sql;
  /** The Reservation column that carries the lease row's amount. */
  leaseAmount: Prisma.Sql;
  /** The Reservation row's budget columns: none for credit, the one budget and period for a budget. */
  budgetIds: string[];
  budgetPeriods: string[];
  /** Creates the row when a source may have none yet (a budget's first lease in a period). */
  create: Prisma.Sql | null;
}

export function leaseAccount(source: LeaseSource): LeaseAccount {
  if (source.kind === 'credits') {
    return {
      table: Prisma.raw('"Organization"'),
      match: Prisma.sql`"id" = ${source.organizationId}`,
      available: Prisma.raw('"creditBalance" - "creditReserved"'),
      reserved: Prisma.raw('"creditReserved"'),
      alsoSet: Prisma.empty,
      leaseAmount: Prisma.raw('"creditUsd"'),
      budgetIds: [],
      budgetPeriods: [],
      create: null,
    };
  }
  const limit = Prisma.sql`${source.limitUsd}::numeric`;
  return {
    table: Prisma.raw('"BudgetSpend"'),
    match: Prisma.sql`"budgetId" = ${source.budgetId} AND "period" = ${source.period}`,
    available: Prisma.sql`${limit} - "spentUsd" - "reservedUsd"`,
    reserved: Prisma.raw('"reservedUsd"'),
    alsoSet: Prisma.sql`, "limitUsd" = ${limit}`,
    leaseAmount: Prisma.raw('"budgetUsd"'),
    budgetIds: [source.budgetId],
    budgetPeriods: [source.period],
    create: Prisma.sql`INSERT INTO "BudgetSpend" ("budgetId", "period") VALUES (${source.budgetId}, ${source.period}) ON CONFLICT DO NOTHING`,
  };
}

/** The want markers of the account's leases: rows asking its lease holders to hand back spare. */
export function wantsOf(source: LeaseSource, account: LeaseAccount): Prisma.Sql {
  return Prisma.sql`"requestId" LIKE 'want:%' AND "organizationId" = ${source.organizationId}
    AND "budgetIds" = ${account.budgetIds}::text[] AND "budgetPeriods" = ${account.budgetPeriods}::text[]`;
}
