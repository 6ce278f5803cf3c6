import { KEY_SOURCE_COLORS } from '../../../components/chart-frame.js';
import { type Column, DataTable } from '../../../components/data-table.js';
import { type BucketInterval, formatCount, formatPercent, formatUsd } from '../../../components/format.js';
import { StatTile } from '../../../components/stat-tile.js';
import type { KeySourceRow, OverviewModel } from '../model/overview.js';
import { PLATFORM_COST_HINT } from '../model/usage-totals.js';
import { PlatformCostTiles } from './platform-cost-tiles.js';
import { TimeChart } from './time-charts.js';

const SOURCE_LABELS: Record<string, string> = { byok: 'BYOK (stored keys)', user: 'User (header)', hosted: 'Hosted pool', env: 'Env key' };

/** Upstream and platform cost are the operator's (the API nulls them for everyone else). */
function columnsFor(platformVisible: boolean): Column<KeySourceRow>[] {
  return [
    { key: 'source', header: 'Key source', cell: (r) => SOURCE_LABELS[r.keySource] ?? r.keySource },
    { key: 'requests', header: 'Requests', align: 'right', cell: (r) => formatCount(r.requests) },
    ...(platformVisible
      ? ([
          { key: 'upstream', header: 'Upstream cost', align: 'right', cell: (r) => formatUsd(r.upstreamUsd) },
          { key: 'platform', header: 'Platform cost', align: 'right', cell: (r) => formatUsd(r.platformUsd) },
        ] satisfies Column<KeySourceRow>[])
      : []),
    { key: 'billed', header: 'Billed cost', align: 'right', cell: (r) => formatUsd(r.billedUsd) },
    { key: 'failures', header: 'Failures', align: 'right', cell: (r) => formatCount(r.failures) },
    { key: 'rate', header: 'Error rate', align: 'right', cell: (r) => formatPercent(r.errorRate) },
  ];
}

export function OverviewView({
  model,
  interval,
  loading,
  error,
  platformVisible,
}: {
  model: OverviewModel;
  interval: BucketInterval;
  loading: boolean;
  error: unknown;
  /** operators: upstream and platform cost, margin */
  platformVisible: boolean;
}) {
  const t = model.totals;
  return (
    <>
      <div className="stats" data-testid="overview-stats">
        <StatTile label="Requests" value={formatCount(t.requests)} testId="stat-requests" />
        {platformVisible ? (
          <PlatformCostTiles
            upstreamUsd={t.upstreamPico}
            platformUsd={t.platformPico}
            upstreamHint="all calls, incl. those paid with the organization’s own key"
            testIds={{ upstream: 'stat-upstream', platform: 'stat-platform' }}
          />
        ) : null}
        <StatTile
          label="Billed cost"
          value={formatUsd(t.billedPico)}
          {...(platformVisible
            ? { hint: `margin ${formatUsd(t.marginPico)} (${formatPercent(t.marginRate)}) = billed − platform cost` }
            : { hint: 'what the organization is charged' })}
          testId="stat-billed"
        />
        <StatTile
          label="Error rate"
          value={formatPercent(t.errorRate)}
          hint={`${formatCount(t.failures)} failed`}
          testId="stat-error-rate"
        />
      </div>
      <div className="grid-2">
        <TimeChart
          title="Requests by key source"
          rows={model.requestsBySource.rows}
          series={model.requestsBySource.series}
          interval={interval}
          loading={loading}
          error={error}
          format={formatCount}
          axis="count"
          colors={KEY_SOURCE_COLORS}
          labels={SOURCE_LABELS}
          testId="chart-requests"
        />
        <TimeChart
          title="Billed cost by key source"
          subtitle="each source on its own line, not stacked"
          rows={model.billedBySource.rows}
          series={model.billedBySource.series}
          interval={interval}
          loading={loading}
          error={error}
          format={(v) => formatUsd(v, 'exact')}
          axis="usd"
          colors={KEY_SOURCE_COLORS}
          labels={SOURCE_LABELS}
          kind="line"
          emptyText={model.billedEmptyText}
          testId="chart-billed"
        />
      </div>
      <TimeChart
        title="Error rate"
        rows={model.errorRateSeries}
        series={['errorRate']}
        labels={{ errorRate: 'Error rate' }}
        interval={interval}
        loading={loading}
        error={error}
        format={(v) => formatPercent(v)}
        axis="percent"
        kind="line"
        height={200}
        empty={t.requests === 0}
        testId="chart-error-rate"
      />
      <section className="card">
        <header className="card-header">
          <h3>By key source</h3>
          {platformVisible ? (
            <span className="muted">{PLATFORM_COST_HINT}; BYOK and user-header calls are paid with the organization’s own key</span>
          ) : null}
        </header>
        <DataTable
          label="Usage by key source"
          columns={columnsFor(platformVisible)}
          rows={model.bySource}
          rowKey={(r) => r.keySource}
          testId="table-key-source"
        />
      </section>
    </>
  );
}
