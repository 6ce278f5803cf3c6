import { useMemo } from 'react';
import { useUsage } from '../../features/usage/api/usage.js';
import { FailureClassChart, FailuresByProviderChart, TopFailingKeys } from '../../features/usage/components/failures-view.js';
import { failureClassSeries, failuresByProvider, topFailingKeys } from '../../features/usage/model/failures.js';
import { AnalyticsFilters } from '../analytics-filters.js';
import { useAnalyticsScope } from '../use-analytics-scope.js';

export function FailuresPage() {
  const { range, organizationId } = useAnalyticsScope();
  const base = { from: range.from, to: range.to, ...(organizationId ? { organizationId } : {}) };
  const failed = { ...base, status: 'FAILED' as const };
  const overTime = useUsage(failed, ['TIME', 'FAILURE_CLASS'], range.interval);
  const byProvider = useUsage(failed, ['PROVIDER', 'FAILURE_CLASS']);
  const byKey = useUsage(failed, ['PROVIDER_KEY', 'PROVIDER', 'FAILURE_CLASS']);
  const allByKey = useUsage(base, ['PROVIDER_KEY', 'PROVIDER']);
  const series = useMemo(() => failureClassSeries(overTime.data?.usage.groups ?? [], range), [overTime.data, range]);
  const providers = useMemo(() => failuresByProvider(byProvider.data?.usage.groups ?? []), [byProvider.data]);
  const keys = useMemo(
    () => topFailingKeys(byKey.data?.usage.groups ?? [], allByKey.data?.usage.groups ?? []),
    [byKey.data, allByKey.data],
  );
  return (
    <div className="page">
      <h1>Failures</h1>
      <AnalyticsFilters />
      <FailureClassChart series={series} interval={range.interval} loading={overTime.loading} error={overTime.error} />
      <FailuresByProviderChart rows={providers.rows} classes={providers.classes} loading={byProvider.loading} error={byProvider.error} />
      <TopFailingKeys rows={keys} loading={byKey.loading || allByKey.loading} error={byKey.error ?? allByKey.error} />
    </div>
  );
}
