/** Usage groups (TIME × one dimension) → rows recharts can draw, one row per bucket. */
import { bucketsBetween } from '../../../components/date-range.js';
import type { BucketInterval } from '../../../components/format.js';
import type { UsageGroup } from './usage-totals.js';

export interface SeriesRow {
  bucket: string;
  [series: string]: number | string;
}

export interface TimeSeries {
  rows: SeriesRow[];
  /** Series names, largest total first */
  series: string[];
}

export interface SeriesOptions {
  from: string;
  to: string;
  interval: BucketInterval;
  /** Which series a group belongs to (e.g. its key source); null → skipped */
  seriesOf(group: UsageGroup): string | null;
  valueOf(group: UsageGroup): number;
  /** Keep the largest N series and sum the rest into "other" */
  limit?: number;
  /** Fixed series order (e.g. every key source, even those with no traffic) */
  order?: readonly string[];
}

export const OTHER_SERIES = 'other';

export function timeSeries(groups: readonly UsageGroup[], options: SeriesOptions): TimeSeries {
  const totals = new Map<string, number>();
  for (const group of groups) {
    if (!group.bucket) continue;
    const name = options.seriesOf(group);
    if (name === null) continue;
    totals.set(name, (totals.get(name) ?? 0) + options.valueOf(group));
  }
  let series = options.order
    ? [...options.order]
    : [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
  let folded = new Set<string>();
  if (options.limit !== undefined && series.length > options.limit) {
    folded = new Set(series.slice(options.limit));
    series = [...series.slice(0, options.limit), OTHER_SERIES];
  }
  const byBucket = new Map<string, SeriesRow>();
  for (const bucket of bucketsBetween(options.from, options.to, options.interval)) {
    byBucket.set(bucket, Object.fromEntries([['bucket', bucket], ...series.map((s) => [s, 0])]) as SeriesRow);
  }
  for (const group of groups) {
    if (!group.bucket) continue;
    let name = options.seriesOf(group);
    if (name === null) continue;
    if (folded.has(name)) name = OTHER_SERIES;
    if (!series.includes(name)) continue;
    const key = new Date(group.bucket).toISOString();
    let row = byBucket.get(key);
    if (!row) {
      row = Object.fromEntries([['bucket', key], ...series.map((s) => [s, 0])]) as SeriesRow;
      byBucket.set(key, row);
    }
    row[name] = (row[name] as number) + options.valueOf(group);
  }
  const rows = [...byBucket.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
  // Money sums in floats gather noise like 0.30000000000000004; charts want clean numbers.
  for (const row of rows) for (const name of series) row[name] = round(row[name] as number);
  return { rows, series };
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
