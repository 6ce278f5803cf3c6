import { useMemo } from 'react';
import type { UsageFilterInput, UsageInterval } from '../../../graphql/generated.js';
import { type CostDimension, type CostRow, costGroupBy, costRows, rowsOverlap } from '../model/cost.js';
import {
  ALL_TAGS,
  chosenTagKind,
  costBars,
  costRowRequestsLink,
  costSortFrom,
  rowsOfTagKind,
  shownRows,
  sortCostRows,
  tagKinds,
} from '../model/cost-breakdown.js';
import { useUsage } from './usage.js';

/**
 * "Cost by" one dimension: the rows (for TAG, of one kind of tag), sorted, capped for the
 * screen (`allRows` for the CSV), the chart's bars, each row's request-log link, and a total
 * line unless the rows overlap (tags).
 */
export function useCostBreakdown(options: {
  filter: UsageFilterInput;
  interval: UsageInterval;
  dimension: CostDimension;
  /** The kind of tag asked for in the URL (team, feature…, or ALL_TAGS). */
  tagKind: string | null;
  /** The sort as the URL has it (costSortParam). */
  sortParam: string | null;
  /** The page's range as URL query text ("range=7d") and its organization, carried into the request log. */
  rangeQuery: string;
  organizationId: string | null;
}) {
  const { dimension, rangeQuery, organizationId } = options;
  const sort = useMemo(() => costSortFrom(options.sortParam), [options.sortParam]);
  const report = useUsage(options.filter, costGroupBy(dimension), options.interval);
  const shaped = useMemo(() => {
    const { rows, total } = costRows(report.data?.usage.groups ?? [], dimension);
    const kinds = dimension === 'TAG' ? tagKinds(rows) : [];
    const kind = dimension === 'TAG' ? chosenTagKind(options.tagKind, kinds) : ALL_TAGS;
    const allRows = sortCostRows(rowsOfTagKind(rows, kind), sort);
    const { shown, hidden } = shownRows(allRows);
    return {
      allRows,
      rows: shown,
      hidden,
      footer: rowsOverlap(dimension) ? null : total,
      bars: costBars(allRows),
      tagKinds: kinds,
      tagKind: kind,
    };
  }, [report.data, dimension, options.tagKind, sort]);
  const links = useMemo(
    () => new Map(shaped.rows.map((row) => [row.key, costRowRequestsLink(row, dimension, { rangeQuery, organizationId })] as const)),
    [shaped.rows, dimension, rangeQuery, organizationId],
  );
  return {
    ...shaped,
    sort,
    requestsLink: (row: CostRow) => links.get(row.key) ?? null,
    loading: report.loading,
    error: report.error,
  };
}
