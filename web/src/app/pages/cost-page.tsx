import { useMemo } from 'react';
import { downloadText } from '../../components/download.js';
import { StatTile } from '../../components/stat-tile.js';
import { formatPercent, formatUsd } from '../../components/format.js';
import { useUsage } from '../../features/usage/api/usage.js';
import { CostOverTimeChart, CostTable } from '../../features/usage/components/cost-view.js';
import { COST_DIMENSIONS, type CostDimension, costCsv, costCsvFilename, costOverTime, costRows } from '../../features/usage/model/cost.js';
import { AnalyticsFilters } from '../analytics-filters.js';
import { useAnalyticsScope } from '../use-analytics-scope.js';

export function CostPage() {
  const { range, organizationId, params, setParams } = useAnalyticsScope();
  const dimension = (COST_DIMENSIONS.find((d) => d.id === params.get('by'))?.id ?? 'ORGANIZATION') as CostDimension;
  const filter = { from: range.from, to: range.to, ...(organizationId ? { organizationId } : {}) };
  const overTime = useUsage(filter, ['TIME'], range.interval);
  const byDimension = useUsage(filter, dimension === 'PROJECT' ? ['PROJECT', 'ORGANIZATION'] : dimension === 'ORGANIZATION' ? ['ORGANIZATION'] : [dimension], range.interval);
  const points = useMemo(() => costOverTime(overTime.data?.usage.groups ?? [], range), [overTime.data, range]);
  const { rows, total } = useMemo(() => costRows(byDimension.data?.usage.groups ?? [], dimension), [byDimension.data, dimension]);
  return (
    <div className="page">
      <h1>Cost &amp; margin</h1>
      <AnalyticsFilters />
      <div className="stats">
        <StatTile label="Upstream cost" value={formatUsd(total.upstreamUsd)} hint="all calls, incl. BYOK paid by the organizations" testId="stat-cost-upstream" />
        <StatTile label="Platform cost" value={formatUsd(total.platformUsd)} hint="upstream cost of calls served by hosted/env keys" testId="stat-cost-platform" />
        <StatTile label="Billed cost" value={formatUsd(total.billedUsd)} testId="stat-cost-billed" />
        <StatTile label="Margin" value={formatUsd(total.marginUsd)} hint={`${formatPercent(total.marginRate)} of billed · billed − platform cost`} testId="stat-cost-margin" />
      </div>
      <CostOverTimeChart points={points} interval={range.interval} loading={overTime.loading} error={overTime.error} />
      <CostTable
        dimension={dimension}
        onDimension={(d) => {
          const next = new URLSearchParams(params);
          next.set('by', d);
          setParams(next);
        }}
        rows={rows}
        total={total}
        loading={byDimension.loading}
        error={byDimension.error}
        onExport={() => downloadText(costCsvFilename(dimension, range), costCsv(rows, total, dimension))}
      />
    </div>
  );
}
