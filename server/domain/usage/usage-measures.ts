import { Prisma } from '../../db/generated/client.js';
import { bucketIndexSql, HISTOGRAM_SIZE, histogramFromIndexSql, histogramSumSql } from './usage-histogram.js';

/**
 * The measures of a usage group, as the rollup tables store them and the usage report returns
 * them. Two ways to compute them: from raw usage records (rawMeasuresSql), or by adding up rows
 * that already carry them (summedMeasuresSql: rollup rows, partial groups).
 */
export const MEASURES = [
  'requests',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'upstreamCostUsd',
  'platformCostUsd',
  'billedCostUsd',
  'failures',
  'cancelled',
  'costUnknown',
  'latencyHistogram',
  'ttftHistogram',
] as const;

/** Per rollup row: the span of histogram buckets in use (lowest and highest index with a count). */
export const BUCKET_SPAN_COLUMNS = ['latencyBucketMin', 'latencyBucketMax', 'ttftBucketMin', 'ttftBucketMax'] as const;

/** The span of buckets of raw rows (rawRowsSql), as aggregates. */
export const RAW_BUCKET_SPAN = Prisma.sql`min("li") AS "latencyBucketMin", max("li") AS "latencyBucketMax", min("ti") AS "ttftBucketMin", max("ti") AS "ttftBucketMax"`;

/** The span of buckets of rows that carry one. */
export const SUMMED_BUCKET_SPAN = Prisma.sql`min("latencyBucketMin") AS "latencyBucketMin", max("latencyBucketMax") AS "latencyBucketMax", min("ttftBucketMin") AS "ttftBucketMin", max("ttftBucketMax") AS "ttftBucketMax"`;

/** The groupable dimensions as rollup key columns, after the time bucket. */
export const ROLLUP_DIMENSION_COLUMNS = [
  'organizationId',
  'projectId',
  'gatewayKeyId',
  'keyRef',
  'provider',
  'model',
  'keySource',
  'status',
  'failureClass',
  'endpoint',
  'endUser',
  'tags',
] as const;

/** Raw "UsageRecord" rows with the bucket indexes of their latency and TTFT ("li", "ti"). */
export function rawRowsSql(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT *, ${bucketIndexSql('"latencyMs"')} AS "li", ${bucketIndexSql('"ttftMs"')} AS "ti" FROM "UsageRecord" WHERE ${where}`;
}

/** Which latency histograms a query needs (a report that shows no percentile needs none). */
export interface HistogramChoice {
  latency: boolean;
  ttft: boolean;
}
export const ALL_HISTOGRAMS: HistogramChoice = { latency: true, ttft: true };

/** The bucket indexes [first, last] a query adds up per histogram; null: none (not asked, or no values). */
export interface HistogramSpans {
  latency: BucketSpan | null;
  ttft: BucketSpan | null;
}
export type BucketSpan = readonly [first: number, last: number];
export const FULL_SPANS: HistogramSpans = { latency: [0, HISTOGRAM_SIZE - 1], ttft: [0, HISTOGRAM_SIZE - 1] };
const NO_HISTOGRAM = Prisma.raw('NULL::int[]');

/** Aggregates over rows of rawRowsSql, one column per measure. */
export function rawMeasuresSql(spans: HistogramSpans = FULL_SPANS): Prisma.Sql {
  return Prisma.sql`
  count(*)::int AS "requests",
  coalesce(sum("inputTokens"), 0)::bigint AS "inputTokens",
  coalesce(sum("cachedInputTokens"), 0)::bigint AS "cachedInputTokens",
  coalesce(sum("outputTokens"), 0)::bigint AS "outputTokens",
  coalesce(sum("upstreamCostUsd"), 0)::numeric AS "upstreamCostUsd",
  coalesce(sum("upstreamCostUsd") FILTER (WHERE "keySource" IN ('hosted', 'env')), 0)::numeric AS "platformCostUsd",
  coalesce(sum("billedCostUsd"), 0)::numeric AS "billedCostUsd",
  (count(*) FILTER (WHERE "status" = 'FAILED'))::int AS "failures",
  (count(*) FILTER (WHERE "status" = 'CANCELLED'))::int AS "cancelled",
  (count(*) FILTER (WHERE NOT "costKnown"))::int AS "costUnknown",
  ${spans.latency ? histogramFromIndexSql('"li"', spans.latency) : NO_HISTOGRAM} AS "latencyHistogram",
  ${spans.ttft ? histogramFromIndexSql('"ti"', spans.ttft) : NO_HISTOGRAM} AS "ttftHistogram"`;
}

/** Aggregates adding up rows that carry the measures (money as exact numeric). */
export function summedMeasuresSql(histogramCast: 'int' | 'bigint', spans: HistogramSpans = FULL_SPANS): Prisma.Sql {
  return Prisma.sql`
  coalesce(sum("requests"), 0)::bigint AS "requests",
  coalesce(sum("inputTokens"), 0)::bigint AS "inputTokens",
  coalesce(sum("cachedInputTokens"), 0)::bigint AS "cachedInputTokens",
  coalesce(sum("outputTokens"), 0)::bigint AS "outputTokens",
  coalesce(sum("upstreamCostUsd"), 0)::numeric AS "upstreamCostUsd",
  coalesce(sum("platformCostUsd"), 0)::numeric AS "platformCostUsd",
  coalesce(sum("billedCostUsd"), 0)::numeric AS "billedCostUsd",
  coalesce(sum("failures"), 0)::bigint AS "failures",
  coalesce(sum("cancelled"), 0)::bigint AS "cancelled",
  coalesce(sum("costUnknown"), 0)::bigint AS "costUnknown",
  ${spans.latency ? histogramSumSql('"latencyHistogram"', histogramCast, spans.latency) : NO_HISTOGRAM} AS "latencyHistogram",
  ${spans.ttft ? histogramSumSql('"ttftHistogram"', histogramCast, spans.ttft) : NO_HISTOGRAM} AS "ttftHistogram"`;
}

/** The measure columns of a rollup row, typed as in a union with computed groups. */
export function rollupMeasureColumnsSql(spans: HistogramSpans = FULL_SPANS): Prisma.Sql {
  return Prisma.raw(
    MEASURES.map((m) => {
      if (m === 'latencyHistogram' || m === 'ttftHistogram')
        return (m === 'latencyHistogram' ? spans.latency : spans.ttft) ? `"${m}"` : `NULL::int[] AS "${m}"`;
      // Counts stay int (a rollup row's or a raw group's count fits): sum(int) adds in bigint, sum(bigint) in numeric.
      return m.endsWith('Usd') ? `"${m}"::numeric AS "${m}"` : m.endsWith('Tokens') ? `"${m}"::bigint AS "${m}"` : `"${m}"::int AS "${m}"`;
    }).join(', '),
  );
}
