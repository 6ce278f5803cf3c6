/**
 * Database work for the bench, run in its own process while keyplane is stopped (PGlite allows one
 * process per data dir), against keyplane's compiled code in dist/.bench:
 *   1. count the usage rows one gateway key produced (the no-loss check after a clean shutdown);
 *   2. drive the SettlementWriter directly with write-ahead on, wired as the gateway wires it (the
 *      direct path; on PGlite, intents in a journal file): N intents committed through the
 *      IntentJournal (group commit) as fast as they can be asked for, each settlement queued once
 *      its intent is durable, then close() — rows per second from first intent to drained, how
 *      many were lost, and the p50/p99 wait for an intent inside that burst; then the same at
 *      steady rates (steadyRates req/s for steadySeconds each): what write-ahead adds to a request;
 *   3. seed N generated usage records with one INSERT … SELECT … FROM generate_series (+ ANALYZE),
 *      then roll them up with the UsageRollupJob, as a running server would.
 * Input: one JSON argument (see Task). Output: one JSON line on stdout. Connection from the same
 * environment keyplane reads (DATABASE_URL, or KEYPLANE_DATA_DIR for PGlite).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDER_IDS } from '../shared/catalog/providers.js';

interface Task {
  organizationId: string;
  projectId: string;
  /** Gateway key ids: countKeyId for (1); all of them spread over the seeded rows. */
  countKeyId?: string;
  gatewayKeyIds: string[];
  writerSettlements: number;
  /** After the burst: intents at each of these steady rates (req/s), `steadySeconds` each. */
  steadyRates?: number[];
  steadySeconds?: number;
  seedRows: number;
}

const task = JSON.parse(process.argv[2] ?? '{}') as Task;
const dist = new URL('../dist/.bench/server/', import.meta.url);
const { openDatabase } = (await import(new URL('db/database.js', dist).href)) as typeof import('../server/db/database.js');
const { settlementPath } = (await import(
  new URL('gateway/billing/settlement-path.js', dist).href
)) as typeof import('../server/gateway/billing/settlement-path.js');
const { createLogger } = (await import(
  new URL('observability/logger.js', dist).href
)) as typeof import('../server/observability/logger.js');
const { BillingStore } = (await import(
  new URL('gateway/billing/billing-store.js', dist).href
)) as typeof import('../server/gateway/billing/billing-store.js');
const { settlementRow } = (await import(
  new URL('gateway/billing/settlement-row.js', dist).href
)) as typeof import('../server/gateway/billing/settlement-row.js');
const { IntentJournal } = (await import(
  new URL('gateway/billing/intent-journal.js', dist).href
)) as typeof import('../server/gateway/billing/intent-journal.js');
const { UsageRollupJob } = (await import(
  new URL('domain/usage/usage-rollup-job.js', dist).href
)) as typeof import('../server/domain/usage/usage-rollup-job.js');

const url = process.env.DATABASE_URL || undefined;
const opened = Date.now();
const db = await openDatabase({ url, dataDir: join(process.env.KEYPLANE_DATA_DIR ?? './data', 'db') });
const openMs = Date.now() - opened;
const out: Record<string, unknown> = { openMs };

const section = async (name: string, work: () => Promise<void>) => {
  try {
    await work();
  } catch (error) {
    out[`${name}Error`] = error instanceof Error ? error.message.split('\n').filter(Boolean).slice(-3).join(' | ') : String(error);
  }
};

try {
  const count = async (where: string, ...params: unknown[]) =>
    Number(
      ((await db.prisma.$queryRawUnsafe(`SELECT count(*)::bigint AS n FROM "UsageRecord" WHERE ${where}`, ...params)) as { n: bigint }[])[0]
        ?.n ?? 0,
    );

  if (task.countKeyId)
    await section('count', async () => {
      out.keyRows = await count(`"gatewayKeyId" = $1`, task.countKeyId);
      out.keyRowsByStatus = Object.fromEntries(
        (
          (await db.prisma.$queryRawUnsafe(
            `SELECT "status"::text AS s, count(*)::bigint AS n FROM "UsageRecord" WHERE "gatewayKeyId" = $1 GROUP BY 1`,
            task.countKeyId,
          )) as { s: string; n: bigint }[]
        ).map((r) => [r.s, Number(r.n)]),
      );
    });

  if (task.writerSettlements > 0)
    await section('writer', async () => {
      const logger = createLogger({ level: 'warn', destination: process.stderr });
      const tag = `bw-${Date.now().toString(36)}`;
      // As the gateway wires them (settlementPath): hot statements through the database's direct
      // path, and on the embedded database intents in a journal file that settlements clear.
      const store = new BillingStore(db.prisma, db.direct);
      const journalDir = url ? null : join(process.env.KEYPLANE_DATA_DIR ?? './data', `intents-${tag}`);
      const { writer, intents } = settlementPath(store, logger, journalDir);
      const routing = {
        model: 'gpt-4o-mini',
        candidates: [{ provider: 'openai', keySource: 'env', keyRef: 'OPENAI_API_KEY' }],
        order: ['openai'],
        why: 'cheapest healthy provider first',
        attempts: [{ provider: 'openai', keyRef: 'OPENAI_API_KEY', outcome: 'ok' }],
      };
      const gatewayKeyId = task.gatewayKeyIds[0] ?? 'bench';
      // Write-ahead on, as in the gateway: a request waits until its intent's statement is sent
      // (group commit), the wait the intent adds to a request; its settlement is queued once the
      // intent has committed.
      const journal = new IntentJournal(intents, logger, `bench-${tag}`);
      const call = { provider: 'openai', model: 'gpt-4o-mini', keySource: 'env' as const, keyRef: 'OPENAI_API_KEY' };
      /** Ask for request `id`'s intent; once committed, queue its settlement. Resolves with the wait until it was sent, ms. */
      const request = (id: string, i: number): Promise<number> => {
        const billed = 3_750_000n + BigInt(i % 100);
        const ids = { requestId: id, organizationId: task.organizationId, projectId: task.projectId, gatewayKeyId };
        const asked = performance.now();
        const intent = {
          ...ids,
          ...call,
          endpoint: 'openai-chat',
          streamed: false,
          inputTokens: 25,
          upstreamCostPico: billed,
          billedCostPico: billed,
          costKnown: true,
          unitPrices: null,
          priceSource: null,
          debitPico: billed,
          leaseId: null,
          budget: null,
          createdAt: new Date(),
        };
        const write = journal.record(intent);
        let waited = 0;
        return write.sent.then(async () => {
          waited = performance.now() - asked;
          await write.committed;
          writer.enqueue(
            settlementRow({
              ...ids,
              ...call,
              inputTokens: 25,
              cachedInputTokens: 10,
              outputTokens: 9,
              upstreamCostPico: billed,
              billedCostPico: billed,
              status: 'SUCCESS',
              httpStatus: 200,
              latencyMs: 2,
              routing,
              debitPico: billed,
            }),
          );
          return waited;
        });
      };
      const intentMs: number[] = [];
      const queued: Promise<void>[] = [];
      const started = process.hrtime.bigint();
      for (let i = 0; i < task.writerSettlements; i++) {
        queued.push(request(`${tag}-${i}`, i).then((waited) => void intentMs.push(waited)));
        // Queue in slices the size of a busy server's second, letting the flushes run in between.
        if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(queued);
      const unwritten = await writer.close(120_000);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rows = await count(`"requestId" LIKE $1`, `${tag}-%`);
      const ledger = Number(
        (
          (await db.prisma.$queryRawUnsafe(
            `SELECT count(*)::bigint AS n FROM "CreditLedgerEntry" WHERE "requestId" LIKE $1`,
            `${tag}-%`,
          )) as { n: bigint }[]
        )[0]?.n ?? 0,
      );
      const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      // What the intent adds to a request at a steady rate (not inside a burst): requests spread
      // evenly over the window, each settled as in the gateway, for every rate in turn.
      const steady: { rate: number; seconds: number; requests: number; intentP50Ms: number; intentP99Ms: number }[] = [];
      for (const rate of task.steadyRates ?? []) {
        const waits: number[] = [];
        const pending: Promise<void>[] = [];
        const seconds = task.steadySeconds ?? 10;
        const tickMs = 10;
        const begun = performance.now();
        let sent = 0;
        while (performance.now() - begun < seconds * 1000) {
          const due = Math.floor(((performance.now() - begun) / 1000) * rate);
          for (; sent < due; sent++) pending.push(request(`${tag}-r${rate}-${sent}`, sent).then((waited) => void waits.push(waited)));
          await new Promise((resolve) => setTimeout(resolve, tickMs));
        }
        await Promise.all(pending);
        waits.sort((x, y) => x - y);
        steady.push({ rate, seconds, requests: sent, intentP50Ms: percentile(waits, 0.5), intentP99Ms: percentile(waits, 0.99) });
      }
      await writer.close(120_000);
      await journal.close();
      // A clean close deletes every journal file whose intents all settled: one left holds an intent.
      const journalFilesLeft = journalDir ? readdirSync(journalDir).length : 0;
      if (journalDir) rmSync(journalDir, { recursive: true, force: true });
      const [left] = (await db.prisma.$queryRawUnsafe(
        `SELECT count(*)::bigint AS n FROM "UsageIntent" WHERE "requestId" LIKE $1`,
        `${tag}-%`,
      )) as { n: bigint }[];
      const intentRowsLeft = Number(left?.n ?? 0);
      intentMs.sort((x, y) => x - y);
      const at = (q: number) => percentile(intentMs, q);
      out.writer = {
        intentP50Ms: at(0.5),
        intentP99Ms: at(0.99),
        intentsLeft: intentRowsLeft + journalFilesLeft,
        settlements: task.writerSettlements,
        seconds,
        rowsPerSecond: rows / seconds,
        rows,
        ledgerRows: ledger,
        lost: task.writerSettlements - rows,
        unwritten,
        steady,
      };
    });

  if (task.seedRows > 0)
    await section('seed', async () => {
      const keys = task.gatewayKeyIds.length > 0 ? task.gatewayKeyIds : ['bench'];
      // 20 gateway keys (the real ones first), every provider, 4 models, spread over the last 29 days.
      const keyList = [...keys, ...Array.from({ length: Math.max(0, 20 - keys.length) }, (_, i) => `seed-key-${i}`)];
      const started = Date.now();
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "UsageRecord" ("id", "requestId", "organizationId", "projectId", "gatewayKeyId", "provider", "model",
         "keySource", "keyRef", "inputTokens", "cachedInputTokens", "outputTokens", "tokensEstimated", "upstreamCostUsd",
         "billedCostUsd", "costKnown", "status", "failureClass", "httpStatus", "latencyMs", "ttftMs", "streamed", "attempts", "createdAt")
       SELECT gen_random_uuid()::text, 'seed-' || g, $1, $2,
         ($3::text[])[1 + g % ${keyList.length}],
         ($4::text[])[1 + (g / 7) % ${PROVIDER_IDS.length}],
         (ARRAY['gpt-4o-mini','claude-3-5-haiku','gemini-2.0-flash','llama-3.3-70b'])[1 + (g / 3) % 4],
         (CASE WHEN g % 3 = 0 THEN 'byok' ELSE 'env' END)::"KeySource",
         CASE WHEN g % 3 = 0 THEN 'pk-' || (g % 5) ELSE 'OPENAI_API_KEY' END,
         20 + g % 2000, g % 7, 5 + g % 800, false,
         ((20 + g % 2000) * 0.00000015 + (5 + g % 800) * 0.0000006)::numeric(24, 12),
         ((20 + g % 2000) * 0.00000015 + (5 + g % 800) * 0.0000006)::numeric(24, 12),
         true,
         (CASE WHEN g % 50 = 0 THEN 'FAILED' WHEN g % 97 = 0 THEN 'CANCELLED' ELSE 'SUCCESS' END)::"RequestStatus",
         (CASE WHEN g % 50 = 0 THEN 'UPSTREAM_ERROR' END)::"FailureClass",
         CASE WHEN g % 50 = 0 THEN 502 ELSE 200 END,
         50 + ((g::bigint * 7919) % 4000)::int,
         CASE WHEN g % 2 = 0 THEN 20 + ((g::bigint * 104729) % 600)::int END,
         g % 2 = 0, 1,
         now() - ((g % 41760) * interval '1 minute') - ((g % 997) * interval '1 millisecond')
       FROM generate_series(1, ${Math.floor(task.seedRows)}) AS g`,
        task.organizationId,
        task.projectId,
        keyList,
        PROVIDER_IDS,
      );
      const insertMs = Date.now() - started;
      const analyzeStarted = Date.now();
      await db.prisma.$executeRawUnsafe('ANALYZE "UsageRecord"');
      const analyzeMs = Date.now() - analyzeStarted;
      // What production does next: the UsageRollupJob folds the new records into the hourly and
      // daily rollups (one INSERT … SELECT … ON CONFLICT), so the query below reads them.
      const rollupStarted = Date.now();
      const rollup = await new UsageRollupJob(db.prisma).runOnce({ wait: true });
      await db.prisma.$executeRawUnsafe('ANALYZE "UsageRollupHourly", "UsageRollupDaily"');
      out.seed = { rows: task.seedRows, insertMs, analyzeMs, rollupMs: Date.now() - rollupStarted, rollup, totalRows: await count('true') };
    });
} finally {
  await db.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
