import { useMemo } from 'react';
import { useUsage } from '../../features/usage/api/usage.js';
import { OverviewView } from '../../features/usage/components/overview-view.js';
import { overviewModel } from '../../features/usage/model/overview.js';
import { AnalyticsFilters } from '../analytics-filters.js';
import { useViewerContext } from '../session.js';
import { useAnalyticsScope } from '../use-analytics-scope.js';

export function OverviewPage() {
  const { range, organizationId } = useAnalyticsScope();
  const viewer = useViewerContext();
  const filter = { from: range.from, to: range.to, ...(organizationId ? { organizationId } : {}) };
  const usage = useUsage(filter, ['TIME', 'KEY_SOURCE'], range.interval);
  const groups = usage.data?.usage.groups;
  const model = useMemo(() => overviewModel(groups ?? [], range), [groups, range]);
  return (
    <div className="page">
      <h1>Overview</h1>
      <AnalyticsFilters />
      <OverviewView
        model={model}
        interval={range.interval}
        loading={usage.loading}
        error={usage.error}
        platformVisible={viewer.isOperator}
      />
    </div>
  );
}
