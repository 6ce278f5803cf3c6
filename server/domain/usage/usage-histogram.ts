import { Prisma } from '../../db/generated/client.js';

/**
 * Latency histograms of the usage rollups: fixed log-scale buckets, so histograms of any hours,
 * days and dimension values add element-wise and percentiles come out of the sum.
 *
 * Buckets: index 0 holds values below 1 ms (0); index i ≥ 1 holds [LOWER[i-1], LOWER[i]) where
 * LOWER are the integers ⌈2^(k/4)⌉, k = 0…88 (deduplicated: 1, 2, 3 … 431, 512, 609 …, 4,194,304);
 * the last index holds everything from 2^22 ms (~70 min) up. Values are whole milliseconds, so a
 * bucket holds the integers lo…hi−1 with (hi−1)/lo ≤ 2^(1/4); its estimate is the geometric
 * middle √(lo·(hi−1)), within a factor 2^(1/8) of any value in it. Buckets below 8 ms hold one
 * integer each and are exact.
 *
 * Error bound: percentiles interpolate between two ranks like percentile_cont, each rank's value
 * estimated within [v/2^(1/8), v·2^(1/8)], so the result is within 2^(1/8) − 1 ≈ 9.05% (relative)
 * of percentile_cont over the raw rows — below 2^22 ms; above, the estimate is 2^22 ms.
 */
export const HISTOGRAM_LOWER_BOUNDS: readonly number[] = [...new Set(Array.from({ length: 89 }, (_, k) => Math.ceil(2 ** (k / 4) - 1e-9)))];

/** Entries per histogram: the zero bucket plus one per lower bound. */
export const HISTOGRAM_SIZE = HISTOGRAM_LOWER_BOUNDS.length + 1;

/** The largest relative difference from percentile_cont: 2^(1/8) − 1. */
export const PERCENTILE_MAX_RELATIVE_ERROR = 2 ** (1 / 8) - 1;

const BOUNDS_LITERAL = `'{${HISTOGRAM_LOWER_BOUNDS.join(',')}}'::int[]`;

/** SQL: the 0-based bucket index of an integer column (NULL stays NULL). Constants only. */
export function bucketIndexSql(column: string): Prisma.Sql {
  return Prisma.raw(`width_bucket(${column}, ${BOUNDS_LITERAL})`);
}

/** Bucket indexes first…last (default: all). */
const span = (first = 0, last = HISTOGRAM_SIZE - 1) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

/**
 * SQL: a histogram array built by an aggregate over rows that carry a bucket index column
 * (`count(*) FILTER` per bucket), e.g. in a GROUP BY over raw usage records; element i+1 is
 * bucket i, like the stored histograms. With a span, only buckets first…last are counted (the
 * elements before are 0, those after left off).
 */
export function histogramFromIndexSql(indexColumn: string, [first, last]: readonly [number, number] = [0, HISTOGRAM_SIZE - 1]): Prisma.Sql {
  return Prisma.raw(
    `ARRAY[${[...span(0, first - 1).map(() => '0'), ...span(first, last).map((i) => `(count(*) FILTER (WHERE ${indexColumn} = ${i}))::int`)].join(', ')}]`,
  );
}

/**
 * SQL: the element-wise sum of a histogram column over the rows of a group; with a span, of
 * buckets first…last only (those are the input's elements first+1…last+1; element 1 of the result
 * is bucket `first`).
 */
export function histogramSumSql(
  column: string,
  cast: 'int' | 'bigint',
  [first, last]: readonly [number, number] = [0, HISTOGRAM_SIZE - 1],
): Prisma.Sql {
  return Prisma.raw(
    `ARRAY[${span(first, last)
      .map((i) => `coalesce(sum(${column}[${i + 1}]), 0)::${cast}`)
      .join(', ')}]`,
  );
}

/** The value standing for a bucket: exact for one-integer buckets, else the geometric middle. */
function bucketEstimate(index: number): number {
  if (index <= 0) return 0;
  const lo = HISTOGRAM_LOWER_BOUNDS[index - 1] as number;
  const next = HISTOGRAM_LOWER_BOUNDS[index];
  if (next === undefined) return lo;
  const hi = next - 1;
  return lo === hi ? lo : Math.sqrt(lo * hi);
}

/**
 * percentile_cont(p) estimated from a histogram (counts per bucket, possibly as strings or
 * bigints from the database); null when it is empty.
 */
export function histogramPercentile(counts: readonly unknown[] | null | undefined, p: number): number | null {
  if (!counts) return null;
  const values = counts.map((c) => Number(c ?? 0));
  const total = values.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const position = p * (total - 1);
  const lower = Math.floor(position);
  const fraction = position - lower;
  const at = (rank: number): number => {
    let seen = 0;
    for (let i = 0; i < values.length; i++) {
      seen += values[i] as number;
      if (rank < seen) return bucketEstimate(i);
    }
    return bucketEstimate(values.length - 1);
  };
  const low = at(lower);
  return fraction === 0 ? low : low + fraction * (at(lower + 1) - low);
}
