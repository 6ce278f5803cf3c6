import type { PrismaClient } from '../../db/database.js';
import { Prisma } from '../../db/generated/client.js';
import {
  BUCKET_SPAN_COLUMNS,
  MEASURES,
  RAW_BUCKET_SPAN,
  ROLLUP_DIMENSION_COLUMNS,
  rawMeasuresSql,
  rawRowsSql,
  SUMMED_BUCKET_SPAN,
  summedMeasuresSql,
} from './usage-measures.js';

/** What one run added to the rollups. */
export interface UsageRollupRun {
  /** Usage records rolled up. */
  records: number;
  /** Hourly and daily rollup rows inserted or updated. */
  hourlyRows: number;
  dailyRows: number;
  /** The new watermark (an xid8): every record with a lower ingestXid is now in the rollups. */
  horizon: string;
}

export interface UsageRollupJobOptions {
  /** Pause between runs (default 5 s). */
  intervalMs?: number;
  /** A failed run (it changed nothing; the next one retries). */
  onError?: (error: unknown) => void;
}

const STATE_ID = 1;
const q = (name: string) => `"${name}"`;
const KEY = ['bucket', ...ROLLUP_DIMENSION_COLUMNS].map(q).join(', ');
const COLUMNS = `${KEY}, ${[...MEASURES, ...BUCKET_SPAN_COLUMNS].map(q).join(', ')}`;
/** Raw dimensions as rollup key text: '' for null, enums as their names. */
const RAW_DIMENSIONS = Prisma.raw(
  [
    `date_trunc('hour', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "bucket"`,
    '"organizationId"',
    '"projectId"',
    '"gatewayKeyId"',
    `coalesce("keyRef", '') AS "keyRef"`,
    `coalesce("provider", '') AS "provider"`,
    '"model"',
    `coalesce("keySource"::text, '') AS "keySource"`,
    '"status"::text AS "status"',
    `coalesce("failureClass"::text, '') AS "failureClass"`,
    '"endpoint"',
    `coalesce("endUser", '') AS "endUser"`,
    // The gateway stores tag sets sorted, so one set has one key.
    `array_to_string(coalesce("tags", '{}'), ',') AS "tags"`,
  ].join(', '),
);
const GROUP_ALL = Prisma.raw(Array.from({ length: 1 + ROLLUP_DIMENSION_COLUMNS.length }, (_, i) => String(i + 1)).join(', '));

/** ON CONFLICT: sums add, histograms add element by element, bucket spans widen. */
const MERGE = Prisma.raw(
  [
    ...MEASURES.map((m) =>
      m.endsWith('Histogram')
        ? `${q(m)} = ARRAY(SELECT a + b FROM unnest(t.${q(m)}, excluded.${q(m)}) WITH ORDINALITY AS h(a, b, i) ORDER BY i)`
        : `${q(m)} = t.${q(m)} + excluded.${q(m)}`,
    ),
    ...BUCKET_SPAN_COLUMNS.map((c) => `${q(c)} = ${c.endsWith('Min') ? 'least' : 'greatest'}(t.${q(c)}, excluded.${q(c)})`),
  ].join(', '),
);

/**
 * Keeps "UsageRollupHourly" and "UsageRollupDaily" up to date, off the request path: every few
 * seconds one statement aggregates the usage records ingested since the watermark and upserts
 * them into both tables, moving the watermark in the same transaction.
 *
 * Watermark: records carry the id of the transaction that inserted them (ingestXid). Every
 * transaction below the statement snapshot's xmin has finished, so the run takes the records with
 * watermark ≤ ingestXid < xmin — whatever their createdAt (settlement writes them late, with the
 * request's start time) and whatever order their transactions committed in — and stores xmin as
 * the next watermark. Each record is counted exactly once. A transaction left open anywhere in
 * the database holds xmin, and so the watermark, below the records written after it began: they
 * stay with the raw side of reports until it ends and the next run takes them.
 *
 * Several instances: the watermark row is locked (FOR UPDATE) for the run's transaction; a periodic
 * run that finds it locked skips (someone else is rolling up), a final run waits for it.
 */
export class UsageRollupJob {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private stateReady = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: UsageRollupJobOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
  }

  /** Run now, then every intervalMs after each run ends; the timer never keeps the process alive. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      this.timer = null;
      this.running = this.runOnce().catch((error) => this.options.onError?.(error));
      await this.running;
      this.running = null;
      if (!this.stopped) {
        this.timer = setTimeout(() => void tick(), this.intervalMs);
        this.timer.unref();
      }
    };
    void tick();
  }

  /** Stop the timer and wait for a run in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Roll up what was ingested since the watermark. Returns null when another run holds the
   * watermark and `wait` is off.
   */
  async runOnce(options: { wait?: boolean } = {}): Promise<UsageRollupRun | null> {
    if (!this.stateReady) {
      await this.prisma.$executeRaw`INSERT INTO "UsageRollupState" ("id", "horizon") VALUES (${STATE_ID}, 0) ON CONFLICT ("id") DO NOTHING`;
      this.stateReady = true;
    }
    return this.prisma.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ horizon: string }[]>`
          SELECT "horizon"::text AS "horizon" FROM "UsageRollupState" WHERE "id" = ${STATE_ID}
          FOR UPDATE ${options.wait ? Prisma.empty : Prisma.sql`SKIP LOCKED`}`;
        const from = locked[0]?.horizon;
        if (from === undefined) return null;
        // A fresh statement, so a fresh snapshot taken after the lock: it sees the previous run's
        // rollups and watermark, and its xmin is the new horizon.
        const [result] = await tx.$queryRaw<{ records: bigint; hourlyRows: number; dailyRows: number; horizon: string }[]>`
          WITH next AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS "xid"),
          batch AS (
            SELECT ${RAW_DIMENSIONS}, ${rawMeasuresSql()}, ${RAW_BUCKET_SPAN}
            FROM (${rawRowsSql(Prisma.sql`"ingestXid" >= ${from}::xid8 AND "ingestXid" < (SELECT "xid" FROM next)`)}) r
            GROUP BY ${GROUP_ALL}
          ),
          hourly AS (
            INSERT INTO "UsageRollupHourly" AS t (${Prisma.raw(COLUMNS)})
            SELECT ${Prisma.raw(COLUMNS)} FROM batch
            ON CONFLICT (${Prisma.raw(KEY)}) DO UPDATE SET ${MERGE}
            RETURNING 1
          ),
          daily AS (
            INSERT INTO "UsageRollupDaily" AS t (${Prisma.raw(COLUMNS)})
            SELECT date_trunc('day', "bucket" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', ${Prisma.raw(ROLLUP_DIMENSION_COLUMNS.map(q).join(', '))}, ${summedMeasuresSql('int')}, ${SUMMED_BUCKET_SPAN}
            FROM batch GROUP BY ${GROUP_ALL}
            ON CONFLICT (${Prisma.raw(KEY)}) DO UPDATE SET ${MERGE}
            RETURNING 1
          ),
          moved AS (
            UPDATE "UsageRollupState" SET "horizon" = (SELECT "xid" FROM next)::text::bigint, "updatedAt" = now()
            WHERE "id" = ${STATE_ID}
            RETURNING "horizon"
          )
          SELECT (SELECT coalesce(sum("requests"), 0) FROM batch)::bigint AS "records",
            (SELECT count(*) FROM hourly)::int AS "hourlyRows",
            (SELECT count(*) FROM daily)::int AS "dailyRows",
            (SELECT "horizon" FROM moved)::text AS "horizon"`;
        return {
          records: Number(result?.records ?? 0),
          hourlyRows: Number(result?.hourlyRows ?? 0),
          dailyRows: Number(result?.dailyRows ?? 0),
          horizon: String(result?.horizon ?? from),
        };
      },
      // A first run over an existing table rolls up all of it at once.
      { maxWait: 60_000, timeout: 30 * 60_000 },
    );
  }
}
