import type { PrismaClient } from '../../db/database.js';
import { Prisma } from '../../db/generated/client.js';
import { dimensionSql, tagJoinSql, type UsageDimension, type UsageInterval } from './usage-dimensions.js';
import { scopeConditions, type UsageScope } from './usage-filter.js';
import {
  type BUCKET_SPAN_COLUMNS,
  type BucketSpan,
  FULL_SPANS,
  type HistogramChoice,
  type HistogramSpans,
  RAW_BUCKET_SPAN,
  rawMeasuresSql,
  rawRowsSql,
  rollupMeasureColumnsSql,
  SUMMED_BUCKET_SPAN,
  summedMeasuresSql,
} from './usage-measures.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type Row = Record<string, unknown>;

/** A half-open time range [from, to), in epoch milliseconds. */
type Range = readonly [from: number, to: number];

/**
 * Which source answers which part of [from, to):
 *  - whole UTC days from UsageRollupDaily (unless grouping by HOUR),
 *  - the other whole UTC hours from UsageRollupHourly,
 *  - raw records for the partial hours at both ends, and for records of the covered hours that
 *    the rollup job has not taken yet (ingestXid at or above the watermark).
 */
export interface UsagePlan {
  daily: Range[];
  hourly: Range[];
  /** Raw records in full. */
  rawEdges: Range[];
  /** Raw records not yet rolled up. */
  rawRecent: Range | null;
}

export function planUsageQuery(from: Date, to: Date, byHour: boolean): UsagePlan {
  const start = from.getTime();
  const end = to.getTime();
  const h0 = Math.ceil(start / HOUR_MS) * HOUR_MS;
  const h1 = Math.floor(end / HOUR_MS) * HOUR_MS;
  if (h0 >= h1) return { daily: [], hourly: [], rawEdges: [[start, end]], rawRecent: null };
  const rawEdges = nonEmpty([start, h0], [h1, end]);
  const d0 = Math.ceil(h0 / DAY_MS) * DAY_MS;
  const d1 = Math.floor(h1 / DAY_MS) * DAY_MS;
  if (byHour || d0 >= d1) return { daily: [], hourly: [[h0, h1]], rawEdges, rawRecent: [h0, h1] };
  const hourly = nonEmpty([h0, d0], [d1, h1]);
  return { daily: [[d0, d1]], hourly, rawEdges, rawRecent: [h0, h1] };
}

const nonEmpty = (...ranges: Range[]): Range[] => ranges.filter(([a, b]) => a < b);

export interface UsageQueryOptions {
  /** Off: every group from raw records (tests compare the two). */
  rollups: boolean;
  /** The latency histograms to add up (only for the percentiles the caller shows). */
  histograms: HistogramChoice;
  limit: number;
}

/**
 * One statement per report: the rollup rows and the raw groups of the plan, added up per group,
 * ordered and limited; histograms come back for the percentiles. It runs in a REPEATABLE READ
 * transaction after reading the watermark, so both see the same snapshot (a rollup run committing
 * in between cannot count records twice), and the planner sees the watermark's value (an index
 * range over the few records not rolled up yet). JIT compilation is off for it: PostgreSQL would
 * spend longer compiling this short aggregate than running it.
 *
 * Ragged ends: where no record at all lies between an end of the range and the enclosing day (or
 * hour) boundary — "up to now" has nothing after now — the range is widened to that boundary,
 * which changes no total and lets the rollups answer the end instead of raw records.
 */
export async function queryUsageGroups(
  prisma: PrismaClient,
  scope: UsageScope,
  dimensions: readonly UsageDimension[],
  interval: UsageInterval,
  options: UsageQueryOptions,
): Promise<Row[]> {
  const byHour = dimensions.includes('TIME') && interval === 'HOUR';
  const from = scope.from.getTime();
  const to = scope.to.getTime();
  const floor = (t: number, unit: number) => Math.floor(t / unit) * unit;
  const ceil = (t: number, unit: number) => Math.ceil(t / unit) * unit;
  const any = (a: number, b: number) =>
    a < b
      ? Prisma.sql`EXISTS (SELECT 1 FROM "UsageRecord" WHERE "createdAt" >= ${new Date(a)} AND "createdAt" < ${new Date(b)})`
      : Prisma.sql`false`;
  return prisma.$transaction(
    async (tx) => {
      const [first] = await tx.$queryRaw<
        { horizon: string | null; beforeDay: boolean; beforeHour: boolean; afterDay: boolean; afterHour: boolean }[]
      >`
        SELECT set_config('jit', 'off', true) AS "jit", set_config('work_mem', '32MB', true) AS "workMem",
          (SELECT "horizon"::text FROM "UsageRollupState" WHERE "id" = 1) AS "horizon",
          ${any(floor(from, DAY_MS), from)} AS "beforeDay", ${any(floor(from, HOUR_MS), from)} AS "beforeHour",
          ${any(to, ceil(to, DAY_MS))} AS "afterDay", ${any(to, ceil(to, HOUR_MS))} AS "afterHour"`;
      let plan: UsagePlan = { daily: [], hourly: [], rawEdges: [[from, to]], rawRecent: null };
      if (options.rollups && first) {
        const start = !first.beforeDay ? floor(from, DAY_MS) : !first.beforeHour ? floor(from, HOUR_MS) : from;
        const end = !first.afterDay ? ceil(to, DAY_MS) : !first.afterHour ? ceil(to, HOUR_MS) : to;
        plan = planUsageQuery(new Date(start), new Date(end), byHour);
      }
      const horizon = first?.horizon ?? '0';
      // Add up only the buckets in use: a month of requests between 50 ms and 4 s spans 26 of 85.
      const spans: HistogramSpans = { latency: null, ttft: null };
      if (options.histograms.latency || options.histograms.ttft) {
        const [used] = await tx.$queryRaw<Record<(typeof BUCKET_SPAN_COLUMNS)[number], number | null>[]>(
          bucketSpanSql(scope, plan, horizon),
        );
        const span = (min: number | null | undefined, max: number | null | undefined): BucketSpan | null =>
          min === null || min === undefined || max === null || max === undefined ? null : [Number(min), Number(max)];
        if (options.histograms.latency) spans.latency = span(used?.latencyBucketMin, used?.latencyBucketMax);
        if (options.histograms.ttft) spans.ttft = span(used?.ttftBucketMin, used?.ttftBucketMax);
      }
      const rows = await tx.$queryRaw<Row[]>(usageReportSql(scope, dimensions, interval, plan, horizon, options.limit, spans));
      // Back to full histograms (index = bucket) for the percentile estimate.
      for (const row of rows) {
        for (const [column, used] of [
          ['latencyHistogram', spans.latency],
          ['ttftHistogram', spans.ttft],
        ] as const) {
          const counts = row[column] as unknown[] | null;
          if (counts && used) row[column] = [...new Array<number>(used[0]).fill(0), ...counts];
        }
      }
      return rows;
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
}

/** The plan's sources as one UNION ALL: rollup rows as they are, raw records grouped by the dimensions. */
function sourcesSql(
  scope: UsageScope,
  dimensions: readonly UsageDimension[],
  interval: UsageInterval,
  plan: UsagePlan,
  horizon: string,
  columns: { rollup: Prisma.Sql; raw: Prisma.Sql },
): Prisma.Sql {
  const select = (source: 'raw' | 'rollup') =>
    dimensions.map((dimension) => {
      const { expression, alias } = dimensionSql(dimension, interval, source, scope.namesPlatformKeys);
      return Prisma.sql`${expression} AS ${Prisma.raw(`"${alias}"`)}`;
    });
  const between = (column: string, [a, b]: Range) =>
    Prisma.sql`${Prisma.raw(column)} >= ${new Date(a)} AND ${Prisma.raw(column)} < ${new Date(b)}`;
  const anyOf = (column: string, ranges: Range[]) =>
    Prisma.sql`(${Prisma.join(
      ranges.map((range) => Prisma.sql`(${between(column, range)})`),
      ' OR ',
    )})`;

  const tagJoin = (source: 'raw' | 'rollup') => (dimensions.includes('TAG') ? tagJoinSql(source) : Prisma.empty);
  const parts: Prisma.Sql[] = [];
  const rollupConditions = scopeConditions(scope, 'rollup');
  for (const [table, ranges] of [
    ['UsageRollupDaily', plan.daily],
    ['UsageRollupHourly', plan.hourly],
  ] as const) {
    if (ranges.length === 0) continue;
    parts.push(Prisma.sql`
      SELECT ${Prisma.join([...select('rollup'), columns.rollup], ', ')}
      FROM ${Prisma.raw(`"${table}"`)} ${tagJoin('rollup')}
      WHERE ${Prisma.join([anyOf('"bucket"', ranges), ...rollupConditions], ' AND ')}`);
  }
  const rawConditions = scopeConditions(scope, 'raw');
  const rawPieces = [
    ...plan.rawEdges.map((range) => Prisma.join([between('"createdAt"', range), ...rawConditions], ' AND ')),
    ...(plan.rawRecent
      ? [Prisma.join([between('"createdAt"', plan.rawRecent), Prisma.sql`"ingestXid" >= ${horizon}::xid8`, ...rawConditions], ' AND ')]
      : []),
  ];
  if (rawPieces.length > 0) {
    parts.push(Prisma.sql`
      SELECT ${Prisma.join([...select('raw'), columns.raw], ', ')}
      FROM (${Prisma.join(
        rawPieces.map((where) => rawRowsSql(where)),
        ' UNION ALL ',
      )}) r ${tagJoin('raw')}
      ${groupByFirst(dimensions.length)}`);
  }
  return Prisma.join(parts, ' UNION ALL ');
}

const groupByFirst = (count: number) =>
  count > 0
    ? Prisma.sql`GROUP BY ${Prisma.join(
        Array.from({ length: count }, (_, index) => Prisma.raw(String(index + 1))),
        ', ',
      )}`
    : Prisma.empty;

/** The span of histogram buckets the plan's rows use, per histogram (both null: no rows). */
function bucketSpanSql(scope: UsageScope, plan: UsagePlan, horizon: string): Prisma.Sql {
  return Prisma.sql`
    SELECT ${SUMMED_BUCKET_SPAN}
    FROM (${sourcesSql(scope, [], 'DAY', plan, horizon, { rollup: SUMMED_BUCKET_SPAN, raw: RAW_BUCKET_SPAN })}) s`;
}

/** The report: every source added up per group, ordered, limited. */
function usageReportSql(
  scope: UsageScope,
  dimensions: readonly UsageDimension[],
  interval: UsageInterval,
  plan: UsagePlan,
  horizon: string,
  limit: number,
  spans: HistogramSpans = FULL_SPANS,
): Prisma.Sql {
  const aliases = dimensions.map((dimension) => dimensionSql(dimension, interval).alias);
  const order = [
    ...(dimensions.includes('TIME') ? [Prisma.raw('"bucket" ASC')] : []),
    Prisma.raw('"requests" DESC'),
    ...aliases.filter((alias) => alias !== 'bucket').map((alias) => Prisma.raw(`"${alias}" ASC`)),
  ];
  const outer = [...aliases.map((alias) => Prisma.raw(`"${alias}"`)), summedMeasuresSql('bigint', spans)];
  const sources = sourcesSql(scope, dimensions, interval, plan, horizon, {
    rollup: rollupMeasureColumnsSql(spans),
    raw: rawMeasuresSql(spans),
  });
  return Prisma.sql`
    SELECT ${Prisma.join(outer, ', ')}
    FROM (${sources}) u
    ${groupByFirst(dimensions.length)}
    HAVING sum("requests") > 0
    ORDER BY ${Prisma.join(order, ', ')}
    LIMIT ${limit}`;
}
