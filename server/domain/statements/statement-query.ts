import type { UtcMonth } from '../../../shared/utc-month.js';
import type { PrismaClient } from '../../db/database.js';
import { PLATFORM_KEY_SOURCES_SQL } from '../usage/platform-key-view.js';

/** The month's ledger in totals (exact decimal text, USD). */
export interface LedgerTotalsRow {
  /** Σ every entry dated before the month. */
  opening: string;
  /** Σ GRANT entries in the month. */
  added: string;
  /** Σ ADJUSTMENT entries in the month (signed). */
  adjusted: string;
  /** −Σ USAGE entries in the month for calls on platform keys (or with no usage record). */
  spent: string;
  /** −Σ USAGE entries in the month for calls on the organization's own keys: the BYOK fee. */
  fees: string;
}

/** A ledger entry that is not a request's debit: credits added, or an adjustment. */
export interface CreditEntryRow {
  id: string;
  kind: string;
  amountUsd: string;
  note: string;
  createdAt: Date;
}

/** Usage of the month summed per project, model, tag set and kind of key (the statement's finest grain). */
export interface UsageCellRow {
  projectId: string;
  model: string;
  tags: string[];
  /** 'platform' (hosted/env keys), 'own' (byok/user keys) or 'none' (never reached a provider). */
  keyKind: 'platform' | 'own' | 'none';
  requests: number;
  inputTokens: string;
  outputTokens: string;
  upstreamCostUsd: string;
  billedCostUsd: string;
  /** What these requests' ledger entries debited from credits. */
  debitedUsd: string;
}

const OWN_KEY_SOURCES_SQL = `'byok', 'user'`;

/**
 * Σ of the ledger up to the month's end: the opening balance from every entry before it, and
 * the month's entries by kind. A debit is told apart as a BYOK fee or a credit spend by the key
 * that served its request. One index range scan on (organizationId, createdAt).
 */
export async function queryLedgerTotals(prisma: PrismaClient, organizationId: string, month: UtcMonth): Promise<LedgerTotalsRow> {
  const from = month.from.toISOString();
  const to = month.to.toISOString();
  const rows = await prisma.$queryRawUnsafe<LedgerTotalsRow[]>(
    `
    SELECT
      coalesce(sum(l."amountUsd") FILTER (WHERE l."createdAt" < $2::timestamptz), 0)::text AS opening,
      coalesce(sum(l."amountUsd") FILTER (WHERE l."createdAt" >= $2::timestamptz AND l."kind" = 'GRANT'), 0)::text AS added,
      coalesce(sum(l."amountUsd") FILTER (WHERE l."createdAt" >= $2::timestamptz AND l."kind" = 'ADJUSTMENT'), 0)::text AS adjusted,
      coalesce(sum(-l."amountUsd") FILTER (
        WHERE l."createdAt" >= $2::timestamptz AND l."kind" = 'USAGE' AND NOT coalesce(u."keySource"::text IN (${OWN_KEY_SOURCES_SQL}), false)
      ), 0)::text AS spent,
      coalesce(sum(-l."amountUsd") FILTER (
        WHERE l."createdAt" >= $2::timestamptz AND l."kind" = 'USAGE' AND coalesce(u."keySource"::text IN (${OWN_KEY_SOURCES_SQL}), false)
      ), 0)::text AS fees
    FROM "CreditLedgerEntry" l
    LEFT JOIN "UsageRecord" u ON l."kind" = 'USAGE' AND l."createdAt" >= $2::timestamptz AND u."requestId" = l."requestId"
    WHERE l."organizationId" = $1 AND l."createdAt" < $3::timestamptz`,
    organizationId,
    from,
    to,
  );
  return rows[0] ?? { opening: '0', added: '0', adjusted: '0', spent: '0', fees: '0' };
}

/** The month's entries that add or adjust credit, oldest first (debits are summed, not listed). */
export async function queryCreditEntries(prisma: PrismaClient, organizationId: string, month: UtcMonth): Promise<CreditEntryRow[]> {
  return prisma.$queryRawUnsafe<CreditEntryRow[]>(
    `
    SELECT "id", "kind"::text AS kind, "amountUsd"::text AS "amountUsd", "note", "createdAt"
    FROM "CreditLedgerEntry"
    WHERE "organizationId" = $1 AND "createdAt" >= $2::timestamptz AND "createdAt" < $3::timestamptz AND "kind" <> 'USAGE'
    ORDER BY "createdAt", "id"`,
    organizationId,
    month.from.toISOString(),
    month.to.toISOString(),
  );
}

/**
 * The month's usage, summed per project × model × tag set × kind of key. A request belongs to
 * the month its debit was written to the ledger (so the month's Σ billed equals its Σ debits
 * exactly, even for a request that started at 23:59:59 on the last day and settled after
 * midnight); a request with no debit (billed $0, or billed outside credits) to the month it
 * started. `model` drops a `provider/` prefix naming the provider that served it, so `gpt-4o`
 * and `openai/gpt-4o` are one model.
 */
export async function queryUsageCells(prisma: PrismaClient, organizationId: string, month: UtcMonth): Promise<UsageCellRow[]> {
  return prisma.$queryRawUnsafe<UsageCellRow[]>(
    `
    WITH charged AS (
      SELECT u."projectId", u."provider", u."model", u."tags", u."keySource", u."inputTokens", u."outputTokens",
        u."upstreamCostUsd", u."billedCostUsd", -l."amountUsd" AS debited
      FROM "CreditLedgerEntry" l
      JOIN "UsageRecord" u ON u."requestId" = l."requestId"
      WHERE l."organizationId" = $1 AND l."kind" = 'USAGE' AND l."createdAt" >= $2::timestamptz AND l."createdAt" < $3::timestamptz
      UNION ALL
      SELECT u."projectId", u."provider", u."model", u."tags", u."keySource", u."inputTokens", u."outputTokens",
        u."upstreamCostUsd", u."billedCostUsd", 0
      FROM "UsageRecord" u
      WHERE u."organizationId" = $1 AND u."createdAt" >= $2::timestamptz AND u."createdAt" < $3::timestamptz
        AND NOT EXISTS (SELECT 1 FROM "CreditLedgerEntry" l WHERE l."requestId" = u."requestId" AND l."kind" = 'USAGE')
    )
    SELECT "projectId",
      CASE WHEN "provider" IS NOT NULL AND starts_with("model", "provider" || '/') THEN substr("model", length("provider") + 2) ELSE "model" END AS model,
      "tags",
      CASE WHEN "keySource"::text IN (${PLATFORM_KEY_SOURCES_SQL}) THEN 'platform'
           WHEN "keySource"::text IN (${OWN_KEY_SOURCES_SQL}) THEN 'own' ELSE 'none' END AS "keyKind",
      count(*)::int AS requests,
      sum("inputTokens")::text AS "inputTokens",
      sum("outputTokens")::text AS "outputTokens",
      sum("upstreamCostUsd")::text AS "upstreamCostUsd",
      sum("billedCostUsd")::text AS "billedCostUsd",
      sum(debited)::text AS "debitedUsd"
    FROM charged
    GROUP BY 1, 2, 3, 4`,
    organizationId,
    month.from.toISOString(),
    month.to.toISOString(),
  );
}
