/** A column of the batch: its name, the array type it travels as, and its cast on insert. */
type Column = readonly [name: string, arrayType: string, cast?: string];

/** UsageRecord columns, in the order the writer fills its arrays. */
export const USAGE_COLUMNS = [
  ['id', 'text'],
  ['requestId', 'text'],
  ['organizationId', 'text'],
  ['projectId', 'text'],
  ['gatewayKeyId', 'text'],
  ['provider', 'text'],
  ['model', 'text'],
  ['keySource', 'text', '"KeySource"'],
  ['keyRef', 'text'],
  ['inputTokens', 'int'],
  ['cachedInputTokens', 'int'],
  ['outputTokens', 'int'],
  ['tokensEstimated', 'boolean'],
  ['upstreamCostUsd', 'numeric'],
  ['billedCostUsd', 'numeric'],
  ['costKnown', 'boolean'],
  ['status', 'text', '"RequestStatus"'],
  ['failureClass', 'text', '"FailureClass"'],
  ['httpStatus', 'int'],
  ['errorMessage', 'text'],
  ['latencyMs', 'int'],
  ['ttftMs', 'int'],
  ['streamed', 'boolean'],
  ['attempts', 'int'],
  ['routing', 'text', 'jsonb'],
  ['createdAt', 'timestamptz'],
] as const satisfies readonly Column[];

/** Money moves of each settlement, after the usage columns. */
export const MONEY_COLUMNS = [
  ['debit', 'numeric'],
  ['leaseId', 'text'],
  ['budgetKeyId', 'text'],
  ['budgetPeriod', 'text'],
  ['budgetSpent', 'numeric'],
  ['budgetRelease', 'numeric'],
] as const satisfies readonly Column[];

const ALL: readonly Column[] = [...USAGE_COLUMNS, ...MONEY_COLUMNS];
const q = (name: string) => `"${name}"`;

/**
 * One statement settles a whole batch, so nothing holds a connection between round trips
 * (PGlite has only one) and Prisma compiles nothing per batch:
 *  1. insert the usage records (a row already written is left alone);
 *  2. for the rows inserted now — only those, so a retried batch cannot charge twice —
 *     consume the credit leases they were held from, debit each organization, write ledger
 *     entries with their running balance, and move budget holds into spend.
 * A hold the sweeper (or an idle lease's release) already gave back is no longer on record
 * and is not given back again.
 */
export const SETTLE_BATCH_SQL = `
WITH input AS (
  SELECT * FROM unnest(${ALL.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  WITH ORDINALITY AS t(${ALL.map(([name]) => q(name)).join(', ')}, seq)
),
inserted AS (
  INSERT INTO "UsageRecord" (${USAGE_COLUMNS.map(([name]) => q(name)).join(', ')})
  SELECT ${USAGE_COLUMNS.map((column: Column) => (column[2] ? `${q(column[0])}::${column[2]}` : q(column[0]))).join(', ')} FROM input
  ON CONFLICT ("requestId") DO NOTHING
  RETURNING "requestId"
),
fresh AS (
  SELECT i.* FROM input i JOIN inserted USING ("requestId")
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
  RETURNING o."id", o."creditBalance"
),
ledger AS (
  INSERT INTO "CreditLedgerEntry" ("id", "organizationId", "kind", "amountUsd", "balanceAfter", "requestId", "note")
  SELECT gen_random_uuid()::text, s."organizationId", 'USAGE'::"LedgerEntryKind", -s.debit,
    o."creditBalance" + coalesce(sum(s.debit) OVER (PARTITION BY s."organizationId" ORDER BY s.seq DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
    s."requestId", trim(coalesce(s.provider, '') || ' ' || s.model)
  FROM settled s JOIN organizations o ON o."id" = s."organizationId"
  WHERE s.debit > 0
  RETURNING 1
),
budgets AS (
  UPDATE "GatewayKeySpend" k
  SET "spentUsd" = k."spentUsd" + b.spent, "reservedUsd" = k."reservedUsd" - b.release
  FROM (
    SELECT "budgetKeyId", "budgetPeriod", sum("budgetSpent") AS spent, sum(CASE WHEN held THEN "budgetRelease" ELSE 0 END) AS release
    FROM settled WHERE "budgetKeyId" IS NOT NULL GROUP BY 1, 2
  ) b
  WHERE k."gatewayKeyId" = b."budgetKeyId" AND k."period" = b."budgetPeriod"
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM ledger)::int AS ledger`;
