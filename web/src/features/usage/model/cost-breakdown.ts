/**
 * The "Cost by" table and bar chart beyond the rows themselves: which kind of tag to show
 * (team:, feature:, env:), the sort, how many rows fit on screen, the chart's bars, and the
 * request-log link of each row.
 */
import { picoToNumber, toPico } from '../../../../../shared/money.js';
import type { CostDimension, CostRow } from './cost.js';

/** "team:support" → "team"; a tag without a colon has no kind (""). */
export function tagKind(tag: string): string {
  const colon = tag.indexOf(':');
  return colon > 0 ? tag.slice(0, colon) : '';
}

/** `ALL_TAGS`: every tag, untagged requests included. */
export const ALL_TAGS = 'all';

/** The kinds of tag among the rows, most billed first ("team" before "feature" when teams cost more). */
export function tagKinds(rows: readonly CostRow[]): string[] {
  const billed = new Map<string, bigint>();
  for (const row of rows) {
    if (row.value === null) continue;
    const kind = tagKind(row.value);
    if (kind) billed.set(kind, (billed.get(kind) ?? 0n) + toPico(row.billedUsd));
  }
  return [...billed.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0]))).map(([kind]) => kind);
}

/** The kind asked for if the data has it, else "team" (finance's first question), else every tag. */
export function chosenTagKind(asked: string | null, kinds: readonly string[]): string {
  if (asked && (asked === ALL_TAGS || kinds.includes(asked))) return asked;
  return kinds.includes('team') ? 'team' : ALL_TAGS;
}

export function rowsOfTagKind(rows: readonly CostRow[], kind: string): CostRow[] {
  if (kind === ALL_TAGS) return [...rows];
  return rows.filter((row) => row.value !== null && tagKind(row.value) === kind);
}

/** The bar chart's title: "Billed cost by team" when one kind of tag is shown. */
export function costBreakdownTitle(dimensionLabel: string, dimension: CostDimension, kind: string): string {
  if (dimension === 'TAG') return `Billed cost by ${kind === ALL_TAGS ? 'tag' : kind}`;
  return `Billed cost by ${dimensionLabel.toLowerCase()}`;
}

export const COST_SORTS = ['billed', 'requests', 'tokens'] as const;
export type CostSortKey = (typeof COST_SORTS)[number];
export interface CostSort {
  key: CostSortKey;
  descending: boolean;
}
export const DEFAULT_COST_SORT: CostSort = { key: 'billed', descending: true };

/** "billed" / "-billed" in the URL (descending is the default, so it has no sign). */
export function costSortFrom(value: string | null): CostSort {
  const ascending = value?.startsWith('+') ?? false;
  const key = COST_SORTS.find((k) => k === value?.replace(/^[+-]/, ''));
  return key ? { key, descending: !ascending } : DEFAULT_COST_SORT;
}

export function costSortParam(sort: CostSort): string | null {
  if (sort.key === DEFAULT_COST_SORT.key && sort.descending) return null;
  return `${sort.descending ? '' : '+'}${sort.key}`;
}

/** A header clicked: the same column flips its direction; another column starts highest first. */
export function nextCostSort(current: CostSort, key: CostSortKey): CostSort {
  return current.key === key ? { key, descending: !current.descending } : { key, descending: true };
}

function sortValue(row: CostRow, key: CostSortKey): bigint {
  if (key === 'billed') return toPico(row.billedUsd);
  if (key === 'requests') return BigInt(row.requests);
  return BigInt(row.inputTokens + row.outputTokens);
}

/** Sorted exactly (money compared as pico-USD); ties by label, so the order is stable. */
export function sortCostRows(rows: readonly CostRow[], sort: CostSort): CostRow[] {
  return [...rows].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x !== y) return (x < y ? -1 : 1) * (sort.descending ? -1 : 1);
    return a.label.localeCompare(b.label);
  });
}

/** End users can number thousands: the table shows the first `limit`; the CSV has them all. */
export const MAX_SHOWN_ROWS = 100;

export function shownRows(rows: readonly CostRow[], limit = MAX_SHOWN_ROWS): { shown: CostRow[]; hidden: number } {
  return { shown: rows.slice(0, limit), hidden: Math.max(0, rows.length - limit) };
}

export interface CostBar {
  key: string;
  label: string;
  billed: number;
}

/** The chart: the `limit` most billed rows (nothing billed: no bar), most billed on top. */
export function costBars(rows: readonly CostRow[], limit = 10): CostBar[] {
  return sortCostRows(rows, DEFAULT_COST_SORT)
    .filter((row) => toPico(row.billedUsd) > 0n)
    .slice(0, limit)
    .map((row) => ({ key: row.key, label: row.label, billed: picoToNumber(toPico(row.billedUsd)) }));
}

/** The request-log filter field for each dimension's value. */
const REQUEST_FILTER: Record<CostDimension, string> = {
  ORGANIZATION: 'organizationId',
  PROJECT: 'projectId',
  PROVIDER: 'provider',
  MODEL: 'model',
  TAG: 'tag',
  END_USER: 'endUser',
  ENDPOINT: 'endpoint',
};

/**
 * The request log showing a row's requests, in the page's date range and organization; null
 * where no filter can select them (untagged, no end user: the log filters by a value, not its absence).
 */
export function costRowRequestsLink(
  row: CostRow,
  dimension: CostDimension,
  scope: { rangeQuery: string; organizationId: string | null },
): string | null {
  if (row.value === null) return null;
  const params = new URLSearchParams(scope.rangeQuery);
  const organizationId = row.organizationId ?? scope.organizationId;
  if (organizationId && dimension !== 'ORGANIZATION') params.set('organizationId', organizationId);
  params.set(REQUEST_FILTER[dimension], row.value);
  return `/requests?${params.toString()}`;
}
