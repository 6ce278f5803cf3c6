/** The overview page: headline numbers and per-key-source series. */
import { KEY_SOURCES, type KeySource } from '../../../../../shared/domain.js';
import { picoToNumber } from '../../../../../shared/money.js';
import type { BucketInterval } from '../../../components/format.js';
import { type TimeSeries, timeSeries } from './usage-series.js';
import { money, totalsOf, type UsageGroup, type UsageTotals } from './usage-totals.js';

export interface KeySourceRow {
  keySource: KeySource;
  requests: number;
  failures: number;
  errorRate: number | null;
  upstreamUsd: number;
  /** the part of upstreamUsd the platform paid (all of it for hosted/env, none for byok/user) */
  platformUsd: number;
  billedUsd: number;
}

export interface OverviewModel {
  totals: UsageTotals;
  requestsBySource: TimeSeries;
  billedBySource: TimeSeries;
  errorRateSeries: { bucket: string; errorRate: number | null; requests: number; failures: number }[];
  bySource: KeySourceRow[];
  /** Why the billed chart is empty when there were requests (e.g. all on the organization's own keys at no fee) */
  billedEmptyText: string;
}

/** `groups`: usage grouped by TIME and KEY_SOURCE. */
export function overviewModel(groups: readonly UsageGroup[], range: { from: string; to: string; interval: BucketInterval }): OverviewModel {
  // Only the key sources that had any: a legend of four names for one drawn series misleads.
  const used = (amount: (g: UsageGroup) => number) => KEY_SOURCES.filter((s) => groups.some((g) => g.keySource === s && amount(g) > 0));
  const base = { ...range, seriesOf: (g: UsageGroup) => g.keySource ?? 'unknown' };
  const requestsBySource = timeSeries(groups, { ...base, valueOf: (g) => g.requests, order: used((g) => g.requests) });
  const billedValue = (g: UsageGroup) => money(g.billedCostUsd);
  const billedBySource = timeSeries(groups, { ...base, valueOf: billedValue, order: used(billedValue) });
  const failuresSeries = timeSeries(groups, { ...range, seriesOf: () => 'failures', valueOf: (g) => g.failures, order: ['failures'] });
  const errorRateSeries = requestsBySource.rows.map((row, index) => {
    const requests = requestsBySource.series.reduce((sum, source) => sum + Number(row[source] ?? 0), 0);
    const failures = Number(failuresSeries.rows[index]?.failures ?? 0);
    return { bucket: row.bucket, requests, failures, errorRate: requests ? failures / requests : null };
  });
  const bySource = KEY_SOURCES.map((keySource) => {
    const mine = groups.filter((g) => g.keySource === keySource);
    const t = totalsOf(mine);
    return {
      keySource,
      requests: t.requests,
      failures: t.failures,
      errorRate: t.errorRate,
      upstreamUsd: picoToNumber(t.upstreamPico),
      platformUsd: picoToNumber(t.platformPico),
      billedUsd: picoToNumber(t.billedPico),
    };
  }).filter((row) => row.requests > 0);
  const totals = totalsOf(groups);
  const billedEmptyText =
    totals.requests > 0
      ? `Nothing billed in this range: ${totals.requests.toLocaleString('en-US')} requests, none of them charged (own keys at no fee, or failed).`
      : 'No requests in this range.';
  return { totals, requestsBySource, billedBySource, errorRateSeries, bySource, billedEmptyText };
}
