/** The overview page: headline numbers and per-key-source series. */
import { KEY_SOURCES, type KeySource } from '../../../../../shared/domain.js';
import { picoToNumber } from '../../../components/decimal.js';
import type { BucketInterval } from '../../../components/format.js';
import { type UsageGroup, money, totalsOf, type UsageTotals } from './usage-totals.js';
import { type TimeSeries, timeSeries } from './usage-series.js';

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
}

/** `groups`: usage grouped by TIME and KEY_SOURCE. */
export function overviewModel(groups: readonly UsageGroup[], range: { from: string; to: string; interval: BucketInterval }): OverviewModel {
  const base = { ...range, seriesOf: (g: UsageGroup) => g.keySource ?? 'unknown', order: KEY_SOURCES };
  const requestsBySource = timeSeries(groups, { ...base, valueOf: (g) => g.requests });
  const billedBySource = timeSeries(groups, { ...base, valueOf: (g) => money(g.billedCostUsd) });
  const failuresSeries = timeSeries(groups, { ...range, seriesOf: () => 'failures', valueOf: (g) => g.failures, order: ['failures'] });
  const errorRateSeries = requestsBySource.rows.map((row, index) => {
    const requests = KEY_SOURCES.reduce((sum, source) => sum + Number(row[source] ?? 0), 0);
    const failures = Number(failuresSeries.rows[index]?.failures ?? 0);
    return { bucket: row.bucket, requests, failures, errorRate: requests ? failures / requests : null };
  });
  const bySource = KEY_SOURCES.map((keySource) => {
    const mine = groups.filter((g) => g.keySource === keySource);
    const t = totalsOf(mine);
    return { keySource, requests: t.requests, failures: t.failures, errorRate: t.errorRate, upstreamUsd: picoToNumber(t.upstreamPico), platformUsd: picoToNumber(t.platformPico), billedUsd: picoToNumber(t.billedPico) };
  });
  return { totals: totalsOf(groups), requestsBySource, billedBySource, errorRateSeries, bySource };
}
