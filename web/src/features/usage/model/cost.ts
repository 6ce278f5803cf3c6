/**
 * Finance: upstream cost, platform cost, billed cost and margin, over time and by a dimension;
 * CSV of the table. Margin is billed − platform cost (see usage-totals.ts): BYOK traffic's
 * upstream cost was paid by the organization, not the platform.
 */
import { picoToDecimal, picoToNumber, sumPico } from '../../../components/decimal.js';
import { type CsvColumn, toCsv } from '../../../components/csv.js';
import { bucketsBetween } from '../../../components/date-range.js';
import type { BucketInterval } from '../../../components/format.js';
import { marginRate, type UsageGroup } from './usage-totals.js';

export const COST_DIMENSIONS = [
  { id: 'ORGANIZATION', label: 'Organization' },
  { id: 'PROJECT', label: 'Project' },
  { id: 'PROVIDER', label: 'Provider' },
  { id: 'MODEL', label: 'Model' },
] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number]['id'];

export interface CostRow {
  key: string;
  label: string;
  requests: number;
  /** exact decimal strings (6 places), as exported */
  upstreamUsd: string;
  /** upstream cost of calls served by platform keys (hosted/env) */
  platformUsd: string;
  billedUsd: string;
  /** billed − platform cost */
  marginUsd: string;
  marginRate: number | null;
}

export function labelFor(group: UsageGroup, dimension: CostDimension): { key: string; label: string } {
  switch (dimension) {
    case 'ORGANIZATION':
      return { key: group.organizationId ?? '', label: group.organizationName ?? group.organizationId ?? '(none)' };
    case 'PROJECT':
      return {
        key: group.projectId ?? '',
        label: [group.organizationName, group.projectName ?? group.projectId].filter(Boolean).join(' / ') || '(none)',
      };
    case 'PROVIDER':
      return { key: group.provider ?? '', label: group.provider ?? '(not routed)' };
    case 'MODEL':
      return { key: group.model ?? '', label: group.model ?? '(none)' };
  }
}

/** One row per value of the dimension, highest billed cost first, plus exact totals. */
export function costRows(groups: readonly UsageGroup[], dimension: CostDimension): { rows: CostRow[]; total: CostRow } {
  const byKey = new Map<string, { label: string; groups: UsageGroup[] }>();
  for (const group of groups) {
    const { key, label } = labelFor(group, dimension);
    const entry = byKey.get(key) ?? { label, groups: [] };
    entry.groups.push(group);
    byKey.set(key, entry);
  }
  const rows = [...byKey.entries()].map(([key, entry]) => rowOf(key, entry.label, entry.groups));
  rows.sort((a, b) => Number(b.billedUsd) - Number(a.billedUsd) || a.label.localeCompare(b.label));
  return { rows, total: rowOf('total', 'Total', groups) };
}

function rowOf(key: string, label: string, groups: readonly UsageGroup[]): CostRow {
  const upstream = sumPico(groups.map((g) => g.upstreamCostUsd));
  const platform = sumPico(groups.map((g) => g.platformCostUsd));
  const billed = sumPico(groups.map((g) => g.billedCostUsd));
  return {
    key,
    label,
    requests: groups.reduce((n, g) => n + g.requests, 0),
    upstreamUsd: picoToDecimal(upstream, 6),
    platformUsd: picoToDecimal(platform, 6),
    billedUsd: picoToDecimal(billed, 6),
    marginUsd: picoToDecimal(billed - platform, 6),
    marginRate: marginRate(platform, billed),
  };
}

export interface CostPoint {
  bucket: string;
  upstream: number;
  platform: number;
  billed: number;
  /** billed − platform */
  margin: number;
}

/** `groups` grouped by TIME only (or TIME × anything: summed per bucket). */
export function costOverTime(groups: readonly UsageGroup[], range: { from: string; to: string; interval: BucketInterval }): CostPoint[] {
  const byBucket = new Map<string, UsageGroup[]>();
  for (const bucket of bucketsBetween(range.from, range.to, range.interval)) byBucket.set(bucket, []);
  for (const group of groups) {
    if (!group.bucket) continue;
    const key = new Date(group.bucket).toISOString();
    const list = byBucket.get(key) ?? [];
    list.push(group);
    byBucket.set(key, list);
  }
  return [...byBucket.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([bucket, list]) => {
      const upstream = sumPico(list.map((g) => g.upstreamCostUsd));
      const platform = sumPico(list.map((g) => g.platformCostUsd));
      const billed = sumPico(list.map((g) => g.billedCostUsd));
      return { bucket, upstream: picoToNumber(upstream), platform: picoToNumber(platform), billed: picoToNumber(billed), margin: picoToNumber(billed - platform) };
    });
}

export function costCsvColumns(dimensionLabel: string): CsvColumn<CostRow>[] {
  return [
    { header: dimensionLabel, value: (r) => r.label },
    { header: 'Requests', value: (r) => r.requests },
    { header: 'Upstream cost (USD)', value: (r) => r.upstreamUsd },
    { header: 'Platform cost (USD)', value: (r) => r.platformUsd },
    { header: 'Billed cost (USD)', value: (r) => r.billedUsd },
    { header: 'Margin (USD)', value: (r) => r.marginUsd },
    { header: 'Margin %', value: (r) => (r.marginRate === null ? '' : (r.marginRate * 100).toFixed(1)) },
  ];
}

/** Exactly the rows on screen (and the total line), for finance. */
export function costCsv(rows: readonly CostRow[], total: CostRow, dimension: CostDimension): string {
  const label = COST_DIMENSIONS.find((d) => d.id === dimension)?.label ?? dimension;
  return toCsv(costCsvColumns(label), [...rows, total]);
}

export function costCsvFilename(dimension: CostDimension, range: { from: string; to: string }): string {
  return `keyplane-cost-by-${dimension.toLowerCase()}-${range.from.slice(0, 10)}-to-${range.to.slice(0, 10)}.csv`;
}
