import { picoToDecimal } from '../../../shared/money.js';
import type { HotStatement } from '../../db/direct-sql.js';
import { batchRows, type Column, jsonBatch, q } from './json-batch.js';
import type { SettlementRow } from './settlement-row.js';

/** A column of the settlement batch. */
export type SettlementColumn = Column<SettlementRow>;

/** UsageRecord columns, as SETTLE_BATCH reads them from its JSON batch. */
export const USAGE_COLUMNS: readonly SettlementColumn[] = [
  ['id', 'text', null, (r) => r.id],
  ['requestId', 'text', null, (r) => r.requestId],
  ['organizationId', 'text', null, (r) => r.organizationId],
  ['projectId', 'text', null, (r) => r.projectId],
  ['gatewayKeyId', 'text', null, (r) => r.gatewayKeyId],
  ['endpoint', 'text', null, (r) => r.endpoint],
  // The tag set goes as an array literal, like every text[] of the batch (recovered intents
  // produce the same text): tags have no comma, brace, quote or space (attribution.ts).
  ['tags', 'text', 'text[]', (r) => `{${r.tags.join(',')}}`],
  ['endUser', 'text', null, (r) => r.endUser],
  ['provider', 'text', null, (r) => r.provider],
  ['model', 'text', null, (r) => r.model],
  ['keySource', 'text', '"KeySource"', (r) => r.keySource],
  ['keyRef', 'text', null, (r) => r.keyRef],
  ['inputTokens', 'int', null, (r) => r.inputTokens],
  ['cachedInputTokens', 'int', null, (r) => r.cachedInputTokens],
  ['cacheWriteTokens', 'int', null, (r) => r.cacheWriteTokens],
  ['cacheWrite1hTokens', 'int', null, (r) => r.cacheWrite1hTokens],
  ['outputTokens', 'int', null, (r) => r.outputTokens],
  ['reasoningTokens', 'int', null, (r) => r.reasoningTokens],
  ['webSearches', 'int', null, (r) => r.webSearches],
  ['tokensEstimated', 'boolean', null, (r) => r.tokensEstimated],
  ['upstreamCostUsd', 'numeric', null, (r) => picoToDecimal(r.upstreamCostPico)],
  ['billedCostUsd', 'numeric', null, (r) => picoToDecimal(r.billedCostPico)],
  ['costKnown', 'boolean', null, (r) => r.costKnown],
  // JSON columns go as JSON values, read as jsonb: as a string they were escaped here and parsed twice there.
  ['unitPrices', 'jsonb', null, (r) => r.unitPrices],
  ['priceSource', 'text', null, (r) => r.priceSource],
  ['status', 'text', '"RequestStatus"', (r) => r.status],
  ['failureClass', 'text', '"FailureClass"', (r) => r.failureClass],
  ['httpStatus', 'int', null, (r) => r.httpStatus],
  ['errorMessage', 'text', null, (r) => r.errorMessage],
  ['latencyMs', 'int', null, (r) => r.latencyMs],
  ['ttftMs', 'int', null, (r) => r.ttftMs],
  ['streamed', 'boolean', null, (r) => r.streamed],
  ['attempts', 'int', null, (r) => r.attempts],
  ['routing', 'jsonb', null, (r) => r.routing],
  ['createdAt', 'timestamptz', null, (r) => r.createdAt.toISOString()],
];

/** The money each settlement moves, after the usage columns. */
const MONEY_COLUMNS: readonly SettlementColumn[] = [
  ['debit', 'numeric', null, (r) => picoToDecimal(r.debitPico)],
  ['leaseId', 'text', null, (r) => r.leaseId],
  // Array literals, like tags: budget ids are UUIDs and periods "YYYY-MM" or "total" (no commas).
  ['budgetIds', 'text', null, (r) => (r.budget ? `{${r.budget.budgets.map((b) => b.budgetId).join(',')}}` : null)],
  ['budgetPeriods', 'text', null, (r) => (r.budget ? `{${r.budget.budgets.map((b) => b.period).join(',')}}` : null)],
  ['budgetSpent', 'numeric', null, (r) => (r.budget ? picoToDecimal(r.budget.spentPico) : null)],
  ['budgetRelease', 'numeric', null, (r) => (r.budget ? picoToDecimal(r.budget.reservedPico) : null)],
  // Lease ids ("lease:<uuid>:<n>") have no commas either; one per budget, in budgetIds' order.
  ['budgetLeaseIds', 'text', null, (r) => (r.budget ? `{${r.budget.leaseIds.join(',')}}` : null)],
  ['debitedAt', 'timestamptz', null, (r) => r.debitedAt?.toISOString() ?? null],
];

export const ALL_COLUMNS = [...USAGE_COLUMNS, ...MONEY_COLUMNS];

/** The batch as SETTLE_BATCH's one parameter (json-batch.ts). */
export function settlementBatchJson(rows: readonly SettlementRow[]): string {
  return jsonBatch(ALL_COLUMNS, rows);
}

/**
 * One statement settles a whole batch, so Σ billed usage equals Σ ledger debits at every
 * commit, and Prisma compiles nothing per batch:
 *  1. insert the usage records (a row already written is left alone);
 *  2. for the rows inserted now — only those, so a retried batch cannot charge twice —
 *     consume the credit and budget leases they were held from, debit each organization, write
 *     ledger entries with their running balance, and add what was billed to each budget's spend.
 * A lease the sweeper (or an idle lease's release) already gave back is no longer on record
 * and is not consumed again: its row gave back everything it held.
 *  3. record alerts in the outbox (AlertEvent, unique by event key, so a crossing is recorded
 *     once however many batches or instances see it): a budget whose spend passed 50, 80 or
 *     100 % of its limit (budget.threshold), an organization whose balance fell below its
 *     creditsLowThresholdUsd (credits.low, once per top-up: the key names the latest grant).
 *
 * `source` is the CTEs ending in `input`: one row per settlement with every column of
 * ALL_COLUMNS by name, plus `seq` (its order in the batch).
 */
export function settleStatement(source: string): string {
  return `
WITH ${source},
inserted AS (
  INSERT INTO "UsageRecord" (${USAGE_COLUMNS.map(([name]) => q(name)).join(', ')})
  SELECT ${USAGE_COLUMNS.map(([name, , cast]) => (cast ? `${q(name)}::${cast}` : q(name))).join(', ')} FROM input
  ON CONFLICT ("requestId") DO NOTHING
  RETURNING "requestId"
),
locked AS (
  -- Every billing statement takes its row locks in one order — account rows (organizations, then
  -- budget spend) before lease rows, each in key order — so none waits on another in a cycle.
  -- A lease extension locks its account and then its lease row; this statement would otherwise
  -- update lease rows first, and PostgreSQL broke the cycle only after deadlock_timeout (1 s).
  SELECT (SELECT count(*) FROM (
      SELECT 1 FROM "Organization" o WHERE o."id" IN (SELECT "organizationId" FROM input WHERE debit <> 0)
      ORDER BY o."id" FOR UPDATE
    ) accounts)
    + (SELECT count(*) FROM (
      SELECT 1 FROM "BudgetSpend" k
      WHERE (k."budgetId", k."period") IN (
        SELECT u."budgetId", u."period" FROM input i
        CROSS JOIN LATERAL unnest(i."budgetIds"::text[], i."budgetPeriods"::text[]) AS u("budgetId", "period")
      )
      ORDER BY k."budgetId", k."period" FOR UPDATE
    ) budgets)
    + (SELECT count(*) FROM (
      SELECT 1 FROM "Reservation" r
      WHERE r."requestId" IN (SELECT "leaseId" FROM input UNION SELECT unnest("budgetLeaseIds"::text[]) FROM input)
      ORDER BY r."requestId" FOR UPDATE
    ) leases) AS n
),
fresh AS (
  -- Nothing below touches a row before the locks above are held (a one-time condition runs first).
  SELECT i.* FROM input i JOIN inserted USING ("requestId") WHERE (SELECT n FROM locked) >= 0
),
released AS (
  DELETE FROM "Reservation" r USING fresh f WHERE r."requestId" = f."requestId" RETURNING r."requestId"
),
settled AS (
  SELECT f.*, (r."requestId" IS NOT NULL) AS held FROM fresh f LEFT JOIN released r USING ("requestId")
),
leases AS (
  UPDATE "Reservation" r SET "creditUsd" = r."creditUsd" - l.spent
  FROM (SELECT "leaseId", sum(debit) AS spent FROM settled WHERE "leaseId" IS NOT NULL GROUP BY 1) l
  WHERE r."requestId" = l."leaseId"
  RETURNING r."requestId"
),
organizations AS (
  -- What was billed leaves the balance, and leaves the reservation of a lease still on record
  -- (a lease given back already returned its whole row, this billing included).
  UPDATE "Organization" o
  SET "creditBalance" = o."creditBalance" - g.debit, "creditReserved" = o."creditReserved" - g.consumed
  FROM (
    SELECT s."organizationId", sum(s.debit) AS debit, sum(CASE WHEN l."requestId" IS NOT NULL THEN s.debit ELSE 0 END) AS consumed
    FROM settled s LEFT JOIN leases l ON l."requestId" = s."leaseId" GROUP BY 1
  ) g
  WHERE o."id" = g."organizationId" AND g.debit <> 0
  RETURNING o."id", o."creditBalance", o."creditBalance" + g.debit AS "balanceBefore", o."creditsLowThresholdUsd"
),
ledger AS (
  INSERT INTO "CreditLedgerEntry" ("id", "organizationId", "kind", "amountUsd", "balanceAfter", "requestId", "note", "createdAt")
  SELECT gen_random_uuid()::text, s."organizationId", 'USAGE'::"LedgerEntryKind", -s.debit,
    o."creditBalance" + coalesce(sum(s.debit) OVER (PARTITION BY s."organizationId" ORDER BY s.seq DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
    s."requestId", trim(coalesce(s.provider, '') || ' ' || s.model), coalesce(s."debitedAt", now())
  FROM settled s JOIN organizations o ON o."id" = s."organizationId"
  WHERE s.debit > 0
  RETURNING 1
),
budget_holds AS (
  SELECT s.*, u."budgetId" AS "heldBudgetId", u."period" AS "heldPeriod", u."leaseId" AS "budgetLeaseId"
  FROM settled s
  CROSS JOIN LATERAL unnest(s."budgetIds"::text[], s."budgetPeriods"::text[], s."budgetLeaseIds"::text[]) AS u("budgetId", "period", "leaseId")
),
budget_leases AS (
  UPDATE "Reservation" r SET "budgetUsd" = r."budgetUsd" - l.spent
  FROM (SELECT "budgetLeaseId", sum("budgetSpent") AS spent FROM budget_holds WHERE "budgetLeaseId" IS NOT NULL GROUP BY 1) l
  WHERE r."requestId" = l."budgetLeaseId"
  RETURNING r."requestId"
),
budgets AS (
  -- What was billed becomes spend, and leaves the reservation of a lease still on record (or of
  -- a request's own hold, which intents written before budget leases still name).
  UPDATE "BudgetSpend" k
  SET "spentUsd" = k."spentUsd" + b.spent, "reservedUsd" = k."reservedUsd" - b.release
  FROM (
    SELECT h."heldBudgetId" AS "budgetId", h."heldPeriod" AS "period", max(h."organizationId") AS "organizationId",
      sum(h."budgetSpent") AS spent,
      sum(CASE WHEN h.held THEN h."budgetRelease" WHEN l."requestId" IS NOT NULL THEN h."budgetSpent" ELSE 0 END) AS release
    FROM budget_holds h LEFT JOIN budget_leases l ON l."requestId" = h."budgetLeaseId"
    GROUP BY 1, 2
  ) b
  WHERE k."budgetId" = b."budgetId" AND k."period" = b."period"
  RETURNING k."budgetId", k."period", b."organizationId", k."limitUsd", k."spentUsd" - b.spent AS before, k."spentUsd" AS after
),
budget_alerts AS (
  INSERT INTO "AlertEvent" ("id", "eventKey", "type", "organizationId", "data")
  SELECT gen_random_uuid()::text, 'budget.threshold:' || x."budgetId" || ':' || x."period" || ':' || t.pct, 'budget.threshold',
    x."organizationId",
    jsonb_build_object(
      'budget', CASE WHEN g."id" IS NOT NULL
        THEN jsonb_build_object('kind', 'gateway_key', 'id', g."id", 'name', g."name", 'projectId', g."projectId")
        ELSE jsonb_build_object('kind', lower(a."scope"::text), 'id', a."id", 'value', a."value", 'projectId', a."projectId") END,
      'period', x."period", 'thresholdPercent', t.pct, 'spentUsd', trim_scale(x.after)::text, 'budgetUsd', trim_scale(x."limitUsd")::text)
  FROM budgets x CROSS JOIN (VALUES (50), (80), (100)) AS t(pct)
  LEFT JOIN "GatewayKey" g ON g."id" = x."budgetId"
  LEFT JOIN "AttributionBudget" a ON a."id" = x."budgetId"
  WHERE x."limitUsd" > 0 AND x.before < x."limitUsd" * t.pct / 100 AND x.after >= x."limitUsd" * t.pct / 100
  ON CONFLICT ("eventKey") DO NOTHING
  RETURNING 1
),
credit_alerts AS (
  INSERT INTO "AlertEvent" ("id", "eventKey", "type", "organizationId", "data")
  SELECT gen_random_uuid()::text,
    'credits.low:' || o."id" || ':' || trim_scale(o."creditsLowThresholdUsd")::text || ':' || coalesce((
      SELECT e."id" FROM "CreditLedgerEntry" e WHERE e."organizationId" = o."id" AND e."kind" = 'GRANT' ORDER BY e."createdAt" DESC LIMIT 1
    ), 'none'),
    'credits.low', o."id",
    jsonb_build_object('balanceUsd', trim_scale(o."creditBalance")::text, 'thresholdUsd', trim_scale(o."creditsLowThresholdUsd")::text)
  FROM organizations o
  WHERE o."balanceBefore" >= o."creditsLowThresholdUsd" AND o."creditBalance" < o."creditsLowThresholdUsd"
  ON CONFLICT ("eventKey") DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM ledger)::int AS ledger`;
}

/**
 * Settle a batch passed as JSON (settlementBatchJson). The statement that writes a request's
 * record also deletes its write-ahead intent, so the two never disagree.
 *
 * The intents are looked up by key (`= ANY(ARRAY(…))`): joined to the batch, the plan read the
 * whole of "UsageIntent" — by a scan, or with scans off by its whole index — and that table
 * holds thousands of pages of dead rows between autovacuum passes (hotPathSessionUrl).
 */
export const SETTLE_BATCH: HotStatement = {
  name: 'keyplane_settle_batch',
  text: settleStatement(`input AS (
  ${batchRows('$1', ALL_COLUMNS, { seq: true })}
),
intents AS (
  DELETE FROM "UsageIntent" u WHERE u."requestId" = ANY (ARRAY(SELECT "requestId" FROM input)) RETURNING 1
)`),
};
