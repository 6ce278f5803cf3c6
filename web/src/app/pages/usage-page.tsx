import { useMemo } from 'react';
import { useUsage } from '../../features/usage/api/usage.js';
import { KeyUsageView } from '../../features/usage/components/key-usage-view.js';
import { type KeyKind, keyUsageRows } from '../../features/usage/model/key-usage.js';
import { timeSeries } from '../../features/usage/model/usage-series.js';
import { AnalyticsFilters } from '../analytics-filters.js';
import { useViewerContext } from '../session.js';
import { useAnalyticsScope } from '../use-analytics-scope.js';

export function UsagePage() {
  const { range, organizationId, params, setParams } = useAnalyticsScope();
  const viewer = useViewerContext();
  const kind: KeyKind = params.get('keys') === 'provider' ? 'provider' : 'gateway';
  const filter = { from: range.from, to: range.to, ...(organizationId ? { organizationId } : {}) };
  const table = useUsage(
    filter,
    kind === 'gateway' ? ['GATEWAY_KEY', 'PROJECT', 'ORGANIZATION'] : ['PROVIDER_KEY', 'KEY_SOURCE'],
    range.interval,
  );
  const chart = useUsage(filter, ['TIME', kind === 'gateway' ? 'GATEWAY_KEY' : 'PROVIDER_KEY'], range.interval);
  const rows = useMemo(() => keyUsageRows(table.data?.usage.groups ?? [], kind), [table.data, kind]);
  const series = useMemo(
    () =>
      timeSeries(chart.data?.usage.groups ?? [], {
        ...range,
        // By id: key names repeat across projects (every project may have a "production" key).
        seriesOf: (g) => (kind === 'gateway' ? g.gatewayKeyId : g.keyRef),
        valueOf: (g) => g.requests,
        limit: 6,
      }),
    [chart.data, kind, range],
  );
  const labels = useMemo(
    () => Object.fromEntries(rows.map((r) => [r.id, r.context && kind === 'gateway' ? `${r.label} (${r.context})` : r.label])),
    [rows, kind],
  );
  return (
    <div className="page">
      <h1>Usage by key</h1>
      <AnalyticsFilters />
      <div className="tabs" role="tablist">
        {(['gateway', 'provider'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={kind === k}
            className={kind === k ? 'tab active' : 'tab'}
            onClick={() => {
              const next = new URLSearchParams(params);
              if (k === 'provider') next.set('keys', 'provider');
              else next.delete('keys');
              setParams(next);
            }}
          >
            {k === 'gateway' ? 'Gateway keys' : 'Provider & hosted keys'}
          </button>
        ))}
      </div>
      <KeyUsageView
        kind={kind}
        rows={rows}
        labels={labels}
        series={series}
        interval={range.interval}
        loading={table.loading || chart.loading}
        error={table.error ?? chart.error}
        platformVisible={viewer.isOperator}
      />
    </div>
  );
}
