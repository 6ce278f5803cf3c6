/** Failures: failure classes over time, per key and provider; top failing keys. */
import { FAILURE_CLASSES, type FailureClass } from '../../../../../shared/domain.js';
import type { BucketInterval } from '../../../components/format.js';
import { type TimeSeries, timeSeries } from './usage-series.js';
import type { UsageGroup } from './usage-totals.js';

/** `groups` grouped by TIME and FAILURE_CLASS; only classes that occurred are drawn, in the spec's order. */
export function failureClassSeries(
  groups: readonly UsageGroup[],
  range: { from: string; to: string; interval: BucketInterval },
): TimeSeries {
  const seen = new Set(groups.filter((g) => g.failureClass && g.requests > 0).map((g) => g.failureClass));
  const order = FAILURE_CLASSES.filter((c) => seen.has(c));
  return timeSeries(groups, { ...range, seriesOf: (g) => g.failureClass ?? null, valueOf: (g) => g.requests, order });
}

export interface FailingKeyRow {
  id: string;
  label: string;
  provider: string;
  failures: number;
  requests: number;
  failureRate: number | null;
  /** failures per class, largest first */
  classes: { failureClass: FailureClass; count: number }[];
}

/**
 * `failed`: groups by PROVIDER_KEY × PROVIDER × FAILURE_CLASS (filtered to failed requests);
 * `all`: groups by PROVIDER_KEY × PROVIDER (every status) for the denominator.
 * CANCELLED is the client's doing, not the key's, so it never counts against a key.
 */
export function topFailingKeys(failed: readonly UsageGroup[], all: readonly UsageGroup[], limit = 10): FailingKeyRow[] {
  const rows = new Map<string, FailingKeyRow>();
  for (const group of failed) {
    if (!group.keyRef || !group.failureClass || group.failureClass === 'CANCELLED') continue;
    const id = `${group.provider ?? ''}|${group.keyRef}`;
    const row = rows.get(id) ?? {
      id: group.keyRef,
      label: group.keyLabel ?? group.keyRef,
      provider: group.provider ?? '',
      failures: 0,
      requests: 0,
      failureRate: null,
      classes: [],
    };
    row.failures += group.requests;
    const existing = row.classes.find((c) => c.failureClass === group.failureClass);
    if (existing) existing.count += group.requests;
    else row.classes.push({ failureClass: group.failureClass, count: group.requests });
    rows.set(id, row);
  }
  for (const group of all) {
    const row = rows.get(`${group.provider ?? ''}|${group.keyRef ?? ''}`);
    if (row) row.requests += group.requests;
  }
  return [...rows.values()]
    .map((row) => ({
      ...row,
      failureRate: row.requests ? row.failures / row.requests : null,
      classes: row.classes.sort((a, b) => b.count - a.count),
    }))
    .sort((a, b) => b.failures - a.failures || a.label.localeCompare(b.label))
    .slice(0, limit);
}

/** Failures per provider (from groups by PROVIDER × FAILURE_CLASS), for a stacked bar. */
export function failuresByProvider(groups: readonly UsageGroup[]): { rows: Record<string, string | number>[]; classes: FailureClass[] } {
  const classes = FAILURE_CLASSES.filter((c) => groups.some((g) => g.failureClass === c && g.requests > 0));
  const byProvider = new Map<string, Record<string, string | number>>();
  for (const group of groups) {
    if (!group.failureClass) continue;
    const provider = group.provider ?? '(not routed)';
    const row = byProvider.get(provider) ?? Object.fromEntries([['provider', provider], ...classes.map((c) => [c, 0])]);
    row[group.failureClass] = Number(row[group.failureClass] ?? 0) + group.requests;
    byProvider.set(provider, row);
  }
  const total = (row: Record<string, string | number>) => classes.reduce((n, c) => n + Number(row[c] ?? 0), 0);
  return { rows: [...byProvider.values()].sort((a, b) => total(b) - total(a)), classes };
}
