import { picoToDecimal } from '../../../shared/money.js';
import type { HotStatement } from '../../db/direct-sql.js';
import { instanceConnectedSql } from './instance-liveness.js';
import { batchRows, batchText, type Column, jsonBatch, positionalRows, q } from './json-batch.js';
import { ALL_COLUMNS, settleStatement } from './settlement-sql.js';
import type { UsageIntent } from './usage-intent.js';

/** UsageIntent columns after "instanceId", as INSERT_INTENTS reads them from its JSON batch ($2). */
export const INTENT_COLUMNS: readonly Column<UsageIntent>[] = [
  ['requestId', 'text', null, (i) => i.requestId],
  ['organizationId', 'text', null, (i) => i.organizationId],
  ['projectId', 'text', null, (i) => i.projectId],
  ['gatewayKeyId', 'text', null, (i) => i.gatewayKeyId],
  ['provider', 'text', null, (i) => i.provider],
  ['model', 'text', null, (i) => i.model],
  ['endpoint', 'text', null, (i) => i.endpoint],
  ['keySource', '"KeySource"', null, (i) => i.keySource],
  ['keyRef', 'text', null, (i) => i.keyRef],
  ['streamed', 'boolean', null, (i) => i.streamed],
  ['inputTokens', 'int', null, (i) => i.inputTokens],
  ['upstreamCostUsd', 'numeric', null, (i) => picoToDecimal(i.upstreamCostPico)],
  ['billedCostUsd', 'numeric', null, (i) => picoToDecimal(i.billedCostPico)],
  ['costKnown', 'boolean', null, (i) => i.costKnown],
  ['unitPrices', 'jsonb', null, (i) => i.unitPrices],
  ['priceSource', 'text', null, (i) => i.priceSource],
  ['debitUsd', 'numeric', null, (i) => picoToDecimal(i.debitPico)],
  ['leaseId', 'text', null, (i) => i.leaseId],
  ['budgetIds', 'text[]', null, (i) => (i.budget?.budgets ?? []).map((b) => b.budgetId)],
  ['budgetPeriods', 'text[]', null, (i) => (i.budget?.budgets ?? []).map((b) => b.period)],
  ['budgetReservedUsd', 'numeric', null, (i) => (i.budget ? picoToDecimal(i.budget.reservedPico) : null)],
  ['createdAt', 'timestamptz', null, (i) => i.createdAt.toISOString()],
];

/**
 * The parameters of INSERT_INTENTS: the writing instance, then the batch as one JSON array
 * of rows (one text parameter, serialised natively, where a parameter per column cost the
 * driver an array escape per value).
 */
export function intentParameters(instanceId: string, intents: readonly UsageIntent[]): [string, string] {
  return [instanceId, jsonBatch(INTENT_COLUMNS, intents)];
}

/** A journal's intent rows as INSERT_INTENTS reads them ($2), whichever way the process that wrote them batched them (json-batch.ts). */
export function journalIntentsJson(rows: readonly unknown[]): string {
  return batchText(positionalRows(INTENT_COLUMNS, rows));
}

/**
 * Insert a batch of intents, and the writing instance's row if it has none: an instance with
 * intents on record always has a row saying when it was alive. An existing row is left alone —
 * its heartbeat is the journal's timer's job; updating it here made every batch queue on that
 * one row's lock.
 *
 * Committed asynchronously (synchronous_commit off for this statement's transaction only): an
 * intent guards against keyplane's process dying, which a commit in PostgreSQL's memory
 * survives; only a crash of PostgreSQL itself within its WAL writer delay (200 ms by default)
 * could lose one, and that crash fails the requests in flight too. It saves the WAL flush a
 * request would otherwise wait for before its upstream call.
 */
export const INSERT_INTENTS: HotStatement = {
  name: 'keyplane_insert_intents',
  text: `
WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
alive AS (
  INSERT INTO "GatewayInstance" ("id", "startedAt", "heartbeatAt") VALUES ($1, now(), now())
  ON CONFLICT ("id") DO NOTHING
  RETURNING 1
)
INSERT INTO "UsageIntent" ("instanceId", ${INTENT_COLUMNS.map(([name]) => q(name)).join(', ')})
SELECT $1, ${INTENT_COLUMNS.map(([name]) => `t.${q(name)}`).join(', ')}
FROM (${batchRows('$2', INTENT_COLUMNS)}) AS t, async_commit
ON CONFLICT ("requestId") DO NOTHING`,
};

/** Mark an instance alive ($1). */
export const HEARTBEAT_SQL = `
INSERT INTO "GatewayInstance" ("id", "startedAt", "heartbeatAt") VALUES ($1, now(), now())
ON CONFLICT ("id") DO UPDATE SET "heartbeatAt" = now()`;

/**
 * Of the intents just adopted under instance $1, drop those whose request has a usage record
 * (it settled before the process died); returns how many are left to recover.
 */
export const DROP_SETTLED_INTENTS_SQL = `
WITH settled AS (
  DELETE FROM "UsageIntent" u USING "UsageRecord" r WHERE u."instanceId" = $1 AND r."requestId" = u."requestId" RETURNING 1
)
SELECT ((SELECT count(*) FROM "UsageIntent" WHERE "instanceId" = $1) - (SELECT count(*) FROM settled))::int AS "left"`;

/** A cleanly stopped instance ($1) is gone at once: whatever it could not settle is recovered by the next pass. */
export const RETIRE_INSTANCE_SQL = `DELETE FROM "GatewayInstance" WHERE "id" = $1`;

/** What a recovered intent's usage record says, column by column of the settlement batch. */
const RECOVERED: Record<string, string> = {
  id: 'gen_random_uuid()::text',
  // Intents carry no attribution: a recovered record is untagged.
  tags: `'{}'::text`,
  endUser: 'NULL::text',
  keySource: 'c."keySource"::text',
  cachedInputTokens: '0',
  cacheWriteTokens: '0',
  cacheWrite1hTokens: '0',
  outputTokens: '0',
  reasoningTokens: '0',
  webSearches: '0',
  tokensEstimated: 'true',
  unitPrices: 'c."unitPrices"',
  status: `'FAILED'::text`,
  failureClass: `'STREAM_INTERRUPTED'::text`,
  httpStatus: '502',
  errorMessage: `'The gateway process ended before this request settled; recorded from its write-ahead intent'::text`,
  latencyMs: '0',
  ttftMs: 'NULL::int',
  attempts: '1',
  routing: 'NULL::jsonb',
  debit: 'c."debitUsd"',
  budgetIds: `CASE WHEN cardinality(c."budgetIds") > 0 THEN c."budgetIds"::text END`,
  budgetPeriods: `CASE WHEN cardinality(c."budgetIds") > 0 THEN c."budgetPeriods"::text END`,
  budgetSpent: `CASE WHEN cardinality(c."budgetIds") > 0 THEN c."billedCostUsd" END`,
  budgetRelease: 'c."budgetReservedUsd"',
  // A dead instance's budget leases are swept whole (what its requests held included), so a
  // recovered request only adds its bill to spend and consumes no lease.
  budgetLeaseIds: 'NULL::text',
  debitedAt: 'NULL::timestamptz',
};

/**
 * Recover the intents of dead instances — every instance but $1 whose heartbeat is older than
 * $2 seconds, or that has no row, and that no longer holds its liveness lock — at most $3 at a time: one statement claims them
 * (DELETE … RETURNING, rows another recoverer holds are skipped, so each intent is claimed
 * once however many instances recover at once) and settles them like any batch: usage record
 * (FAILED, STREAM_INTERRUPTED, estimated input tokens, the bill the intent carries), debit,
 * ledger entry, budget spend, and the request's holds released. Instances dead with nothing
 * left to recover are forgotten.
 */
export const RECOVER_INTENTS_SQL = settleStatement(`dead AS (
  SELECT u."requestId" FROM "UsageIntent" u
  WHERE u."instanceId" <> $1
    AND NOT EXISTS (
      SELECT 1 FROM "GatewayInstance" g
      WHERE g."id" = u."instanceId" AND g."heartbeatAt" >= now() - make_interval(secs => $2::double precision)
    )
    AND NOT ${instanceConnectedSql('u."instanceId"')}
  LIMIT $3::int
  FOR UPDATE SKIP LOCKED
),
claimed AS (
  DELETE FROM "UsageIntent" u USING dead d WHERE u."requestId" = d."requestId" RETURNING u.*
),
forgotten AS (
  DELETE FROM "GatewayInstance" g
  WHERE g."id" <> $1 AND g."heartbeatAt" < now() - make_interval(secs => $2::double precision)
    AND NOT EXISTS (SELECT 1 FROM "UsageIntent" u WHERE u."instanceId" = g."id")
),
input AS (
  SELECT ${ALL_COLUMNS.map(([name]) => `${RECOVERED[name] ?? `c.${q(name)}`} AS ${q(name)}`).join(', ')},
    row_number() OVER (ORDER BY c."createdAt") AS seq
  FROM claimed c
)`);
