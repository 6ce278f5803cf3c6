import { useMemo } from 'react';
import { rangeToParams } from '../../components/date-range.js';
import { downloadText } from '../../components/download.js';
import { formatPercent, formatUsd } from '../../components/format.js';
import { StatTile } from '../../components/stat-tile.js';
import { useCostBreakdown } from '../../features/usage/api/cost-breakdown.js';
import { useUsage } from '../../features/usage/api/usage.js';
import { CostBreakdownChart } from '../../features/usage/components/cost-breakdown-chart.js';
import { CostOverTimeChart, CostTable } from '../../features/usage/components/cost-view.js';
import { PlatformCostTiles } from '../../features/usage/components/platform-cost-tiles.js';
import { COST_DIMENSIONS, costCsv, costCsvFilename, costDimensionFrom, costOverTime, costTotal } from '../../features/usage/model/cost.js';
import { costBreakdownTitle, costSortParam, nextCostSort } from '../../features/usage/model/cost-breakdown.js';
import { AnalyticsFilters } from '../analytics-filters.js';
import { useViewerContext } from '../session.js';
import { useAnalyticsScope } from '../use-analytics-scope.js';

export function CostPage() {
  const { range, choice, organizationId, params, setParams } = useAnalyticsScope();
  // Platform cost and margin are the operator's business; the API answers null to anyone else.
  const platformVisible = useViewerContext().isOperator;
  const dimension = costDimensionFrom(params.get('by'));
  const filter = { from: range.from, to: range.to, ...(organizationId ? { organizationId } : {}) };
  const overTime = useUsage(filter, ['TIME'], range.interval);
  const breakdown = useCostBreakdown({
    filter,
    interval: range.interval,
    dimension,
    tagKind: params.get('tags'),
    sortParam: params.get('sort'),
    rangeQuery: rangeToParams(choice, new URLSearchParams()).toString(),
    organizationId,
  });
  const points = useMemo(() => costOverTime(overTime.data?.usage.groups ?? [], range), [overTime.data, range]);
  // From the ungrouped report: tag rows count a request once per tag, so they cannot give the total.
  const total = useMemo(() => costTotal(overTime.data?.usage.groups ?? []), [overTime.data]);
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(name);
    else next.set(name, value);
    setParams(next);
  };
  const label = COST_DIMENSIONS.find((d) => d.id === dimension)?.label ?? '';
  return (
    <div className="page">
      <h1>Cost &amp; margin</h1>
      <AnalyticsFilters />
      <div className="stats">
        {platformVisible ? (
          <PlatformCostTiles
            upstreamUsd={total.upstreamUsd}
            platformUsd={total.platformUsd}
            upstreamHint="all calls, incl. BYOK paid by the organizations"
            testIds={{ upstream: 'stat-cost-upstream', platform: 'stat-cost-platform' }}
          />
        ) : null}
        <StatTile label="Billed cost" value={formatUsd(total.billedUsd)} testId="stat-cost-billed" />
        {platformVisible ? (
          <StatTile
            label="Margin"
            value={formatUsd(total.marginUsd)}
            hint={`${formatPercent(total.marginRate)} of billed · billed − platform cost`}
            testId="stat-cost-margin"
          />
        ) : null}
      </div>
      <CostOverTimeChart
        points={points}
        interval={range.interval}
        loading={overTime.loading}
        error={overTime.error}
        platformVisible={platformVisible}
      />
      <CostTable
        dimension={dimension}
        onDimension={(d) => {
          const next = new URLSearchParams(params);
          next.set('by', d);
          next.delete('tags');
          setParams(next);
        }}
        rows={breakdown.rows}
        total={breakdown.footer}
        hidden={breakdown.hidden}
        requestsLink={breakdown.requestsLink}
        sort={breakdown.sort}
        onSort={(key) => setParam('sort', costSortParam(nextCostSort(breakdown.sort, key)))}
        tagKinds={breakdown.tagKinds}
        tagKind={breakdown.tagKind}
        onTagKind={(kind) => setParam('tags', kind)}
        loading={breakdown.loading}
        error={breakdown.error}
        platformVisible={platformVisible}
        onExport={() =>
          downloadText(costCsvFilename(dimension, range), costCsv(breakdown.allRows, breakdown.footer, dimension, platformVisible))
        }
      />
      <CostBreakdownChart
        title={costBreakdownTitle(label, dimension, breakdown.tagKind)}
        bars={breakdown.bars}
        loading={breakdown.loading}
        error={breakdown.error}
      />
    </div>
  );
}
