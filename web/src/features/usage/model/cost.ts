/**
 * Finance: upstream cost, platform cost, billed cost and margin, over time and by a dimension;
 * CSV of the table. Margin is billed − platform cost (see usage-totals.ts): BYOK traffic's
 * upstream cost was paid by the organization, not the platform.
 */

import { picoToDecimal, picoToNumber, sumPico } from '../../../../../shared/money.js';
import { type CsvColumn, toCsv } from '../../../components/csv.js';
import { bucketsBetween } from '../../../components/date-range.js';
import type { BucketInterval } from '../../../components/format.js';
import type { UsageDimension } from '../../../graphql/generated.js';
import { marginRate, type UsageGroup } from './usage-totals.js';

/** The tabs of "Cost by"; the last three are attribution (x-keyplane-tags, the request's end user, the front door). */
export const COST_DIMENSIONS = [
  { id: 'ORGANIZATION', label: 'Organization' },
  { id: 'PROJECT', label: 'Project' },
  { id: 'PROVIDER', label: 'Provider' },
  { id: 'MODEL', label: 'Model' },
  { id: 'TAG', label: 'Team (tag)' },
  { id: 'END_USER', label: 'End user' },
  { id: 'ENDPOINT', label: 'Endpoint' },
] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number]['id'];

export function costDimensionFrom(value: string | null): CostDimension {
  return COST_DIMENSIONS.find((d) => d.id === value)?.id ?? 'ORGANIZATION';
}

/**
 * What to group by for a dimension. Projects, tags and end users belong to an organization:
 * two organizations' "team:support" or "cust_42" are different teams and customers, never merged.
 */
export function costGroupBy(dimension: CostDimension): UsageDimension[] {
  if (dimension === 'PROJECT' || dimension === 'TAG' || dimension === 'END_USER') return [dimension, 'ORGANIZATION'];
  return [dimension];
}

/** A request counts once in each of its tags, so tag rows can add up to more than the total: no total line. */
export function rowsOverlap(dimension: CostDimension): boolean {
  return dimension === 'TAG';
}

export interface CostRow {
  key: string;
  label: string;
  /** The dimension's value (null: untagged, no end user, not routed…) and its organization, for links. */
  value: string | null;
  organizationId: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** exact decimal strings (6 places), as exported */
  upstreamUsd: string;
  /** upstream cost of calls served by platform keys (hosted/env) */
  platformUsd: string;
  billedUsd: string;
  /** billed − platform cost */
  marginUsd: string;
  marginRate: number | null;
}

/** The row a group belongs to; `withOrganization` names the organization beside a tag or end user. */
export function labelFor(
  group: UsageGroup,
  dimension: CostDimension,
  withOrganization = false,
): { key: string; label: string; value: string | null } {
  const owned = (value: string | null, none: string) => ({
    key: `${group.organizationId ?? ''}|${value ?? ''}`,
    label: withOrganization && group.organizationName ? `${value ?? none} · ${group.organizationName}` : (value ?? none),
    value,
  });
  switch (dimension) {
    case 'ORGANIZATION':
      return {
        key: group.organizationId ?? '',
        label: group.organizationName ?? group.organizationId ?? '(none)',
        value: group.organizationId,
      };
    case 'PROJECT':
      return {
        key: group.projectId ?? '',
        label: [group.organizationName, group.projectName ?? group.projectId].filter(Boolean).join(' / ') || '(none)',
        value: group.projectId,
      };
    case 'PROVIDER':
      return { key: group.provider ?? '', label: group.provider ?? '(not routed)', value: group.provider };
    case 'MODEL':
      return { key: group.model ?? '', label: group.model ?? '(none)', value: group.model };
    case 'TAG':
      return owned(group.tag, '(untagged)');
    case 'END_USER':
      return owned(group.endUser, '(no end user)');
    case 'ENDPOINT':
      return { key: group.endpoint ?? '', label: group.endpoint ?? '(none)', value: group.endpoint };
  }
}

/** One row per value of the dimension, highest billed cost first, plus exact totals. */
export function costRows(groups: readonly UsageGroup[], dimension: CostDimension): { rows: CostRow[]; total: CostRow } {
  // Tags and end users of several organizations (an operator's view) say whose they are.
  const withOrganization = new Set(groups.map((g) => g.organizationId)).size > 1;
  const byKey = new Map<string, { label: string; value: string | null; organizationId: string | null; groups: UsageGroup[] }>();
  for (const group of groups) {
    const { key, label, value } = labelFor(group, dimension, withOrganization);
    const entry = byKey.get(key) ?? { label, value, organizationId: group.organizationId, groups: [] };
    entry.groups.push(group);
    byKey.set(key, entry);
  }
  const rows = [...byKey.entries()].map(([key, entry]) => rowOf(key, entry.label, entry.groups, entry.value, entry.organizationId));
  rows.sort((a, b) => Number(b.billedUsd) - Number(a.billedUsd) || a.label.localeCompare(b.label));
  return { rows, total: costTotal(groups) };
}

/** Every group added up once (for TAG groups that counts a request once per tag: use an ungrouped report). */
export function costTotal(groups: readonly UsageGroup[]): CostRow {
  return rowOf('total', 'Total', groups, null, null);
}

function rowOf(key: string, label: string, groups: readonly UsageGroup[], value: string | null, organizationId: string | null): CostRow {
  const upstream = sumPico(groups.map((g) => g.upstreamCostUsd));
  const platform = sumPico(groups.map((g) => g.platformCostUsd));
  const billed = sumPico(groups.map((g) => g.billedCostUsd));
  return {
    key,
    label,
    value,
    organizationId,
    requests: groups.reduce((n, g) => n + g.requests, 0),
    inputTokens: groups.reduce((n, g) => n + g.inputTokens, 0),
    outputTokens: groups.reduce((n, g) => n + g.outputTokens, 0),
    upstreamUsd: picoToDecimal(upstream),
    platformUsd: picoToDecimal(platform),
    billedUsd: picoToDecimal(billed),
    marginUsd: picoToDecimal(billed - platform),
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
      return {
        bucket,
        upstream: picoToNumber(upstream),
        platform: picoToNumber(platform),
        billed: picoToNumber(billed),
        margin: picoToNumber(billed - platform),
      };
    });
}

/** `platformVisible` false (non-operators): billed cost only, as on screen. */
export function costCsvColumns(dimensionLabel: string, platformVisible = true): CsvColumn<CostRow>[] {
  const all: CsvColumn<CostRow>[] = [
    { header: dimensionLabel, value: (r) => r.label },
    { header: 'Requests', value: (r) => r.requests },
    { header: 'Input tokens', value: (r) => r.inputTokens },
    { header: 'Output tokens', value: (r) => r.outputTokens },
    { header: 'Upstream cost (USD)', value: (r) => r.upstreamUsd },
    { header: 'Platform cost (USD)', value: (r) => r.platformUsd },
    { header: 'Billed cost (USD)', value: (r) => r.billedUsd },
    { header: 'Margin (USD)', value: (r) => r.marginUsd },
    { header: 'Margin %', value: (r) => (r.marginRate === null ? '' : (r.marginRate * 100).toFixed(1)) },
  ];
  const operatorOnly = new Set(['Upstream cost (USD)', 'Platform cost (USD)', 'Margin (USD)', 'Margin %']);
  return platformVisible ? all : all.filter((column) => !operatorOnly.has(column.header));
}

/** Exactly the rows on screen (and the total line, when there is one), for finance. */
export function costCsv(rows: readonly CostRow[], total: CostRow | null, dimension: CostDimension, platformVisible = true): string {
  const label = COST_DIMENSIONS.find((d) => d.id === dimension)?.label ?? dimension;
  return toCsv(costCsvColumns(label, platformVisible), total ? [...rows, total] : rows);
}

export function costCsvFilename(dimension: CostDimension, range: { from: string; to: string }): string {
  return `keyplane-cost-by-${dimension.toLowerCase()}-${range.from.slice(0, 10)}-to-${range.to.slice(0, 10)}.csv`;
}
