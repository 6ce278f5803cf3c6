import { Link } from 'react-router';
import { type Column, DataTable } from '../../../components/data-table.js';
import { type BucketInterval, formatCompact, formatCount, formatPercent, formatUsd } from '../../../components/format.js';
import { QueryState } from '../../../components/states.js';
import { type KeyKind, type KeyUsageRow, requestsLinkFor } from '../model/key-usage.js';
import type { TimeSeries } from '../model/usage-series.js';
import { TimeChart } from './time-charts.js';

function columnsFor(kind: KeyKind, platformVisible: boolean): Column<KeyUsageRow>[] {
  return [
    {
      key: 'label',
      header: kind === 'gateway' ? 'Gateway key' : 'Provider key',
      cell: (r) => <Link to={requestsLinkFor(kind, r.id)}>{r.label}</Link>,
    },
    {
      key: 'context',
      header: kind === 'gateway' ? 'Organization / project' : 'Key source',
      cell: (r) => <span className="wrap">{r.context || '—'}</span>,
    },
    { key: 'requests', header: 'Requests', align: 'right', cell: (r) => formatCount(r.requests) },
    {
      key: 'tokens',
      header: 'Tokens in / out',
      align: 'right',
      cell: (r) => `${formatCompact(r.inputTokens)} / ${formatCompact(r.outputTokens)}`,
    },
    ...(platformVisible
      ? ([
          { key: 'upstream', header: 'Upstream cost', align: 'right', cell: (r) => formatUsd(r.upstreamUsd) },
        ] satisfies Column<KeyUsageRow>[])
      : []),
    { key: 'billed', header: 'Billed cost', align: 'right', cell: (r) => formatUsd(r.billedUsd) },
    { key: 'failures', header: 'Failures', align: 'right', cell: (r) => formatCount(r.failures) },
    { key: 'rate', header: 'Failure rate', align: 'right', cell: (r) => formatPercent(r.failureRate) },
  ];
}

export function KeyUsageView(props: {
  kind: KeyKind;
  rows: KeyUsageRow[];
  labels: Record<string, string>;
  series: TimeSeries;
  interval: BucketInterval;
  loading: boolean;
  error: unknown;
  /** operators: upstream cost (for others the API counts only their own keys' calls) */
  platformVisible: boolean;
}) {
  return (
    <>
      <TimeChart
        title={props.kind === 'gateway' ? 'Requests per gateway key' : 'Requests per provider key'}
        subtitle="busiest keys; the rest summed as other"
        rows={props.series.rows}
        series={props.series.series}
        interval={props.interval}
        loading={props.loading}
        error={props.error}
        format={formatCount}
        axis="count"
        labels={props.labels}
        testId="chart-key-requests"
      />
      <section className="card">
        <header className="card-header">
          <h3>{props.kind === 'gateway' ? 'Gateway keys' : 'Provider keys and hosted key names'}</h3>
          <span className="muted">click a key to see its requests</span>
        </header>
        <QueryState loading={props.loading} error={props.error} empty={props.rows.length === 0} emptyText="No requests in this range.">
          <DataTable
            label="Usage per key"
            columns={columnsFor(props.kind, props.platformVisible)}
            rows={props.rows}
            rowKey={(r) => r.id}
            testId="table-key-usage"
          />
        </QueryState>
      </section>
    </>
  );
}
