import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { axisScale } from '../../../components/chart-axis.js';
import { ChartFrame, FAILURE_COLORS } from '../../../components/chart-frame.js';
import { type Column, DataTable } from '../../../components/data-table.js';
import { FAILURE_CLASS_LABELS, failureClassLabel } from '../../../components/failure-class.js';
import { type BucketInterval, formatCount, formatPercent } from '../../../components/format.js';
import { QueryState } from '../../../components/states.js';
import type { FailingKeyRow } from '../model/failures.js';
import { requestsLinkFor } from '../model/key-usage.js';
import type { TimeSeries } from '../model/usage-series.js';
import { TimeChart } from './time-charts.js';

export function FailureClassChart(props: { series: TimeSeries; interval: BucketInterval; loading: boolean; error: unknown }) {
  return (
    <TimeChart
      title="Failures by class"
      rows={props.series.rows}
      series={props.series.series}
      colors={FAILURE_COLORS}
      interval={props.interval}
      loading={props.loading}
      error={props.error}
      format={formatCount}
      axis="count"
      labels={FAILURE_CLASS_LABELS}
      testId="chart-failures"
    />
  );
}

export function FailuresByProviderChart(props: {
  rows: Record<string, string | number>[];
  classes: string[];
  loading: boolean;
  error: unknown;
}) {
  const x = axisScale(
    'count',
    props.rows.map((row) => props.classes.reduce((sum, c) => sum + Number(row[c] ?? 0), 0)),
  );
  return (
    <ChartFrame
      title="Failures per provider"
      loading={props.loading}
      error={props.error}
      empty={props.rows.length === 0}
      testId="chart-failures-provider"
    >
      <BarChart data={props.rows} layout="vertical" margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={x.domain} ticks={x.ticks} interval={0} tickFormatter={x.format} tick={{ fontSize: 12 }} />
        <YAxis type="category" dataKey="provider" width={90} tick={{ fontSize: 12 }} />
        <Tooltip formatter={(value, name) => [formatCount(Number(value)), failureClassLabel(String(name))]} />
        <Legend formatter={(name) => failureClassLabel(String(name))} />
        {props.classes.map((c) => (
          <Bar key={c} dataKey={c} stackId="a" fill={FAILURE_COLORS[c] ?? '#64748b'} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFrame>
  );
}

const columns: Column<FailingKeyRow>[] = [
  { key: 'label', header: 'Key', cell: (r) => <Link to={`${requestsLinkFor('provider', r.id)}&status=FAILED`}>{r.label}</Link> },
  { key: 'provider', header: 'Provider', cell: (r) => r.provider || '—' },
  { key: 'failures', header: 'Failures', align: 'right', cell: (r) => formatCount(r.failures) },
  { key: 'requests', header: 'Requests', align: 'right', cell: (r) => formatCount(r.requests) },
  { key: 'rate', header: 'Failure rate', align: 'right', cell: (r) => formatPercent(r.failureRate) },
  {
    key: 'classes',
    header: 'Classes',
    cell: (r) => <span className="wrap">{r.classes.map((c) => `${failureClassLabel(c.failureClass)} ${c.count}`).join(', ')}</span>,
  },
];

export function TopFailingKeys(props: { rows: FailingKeyRow[]; loading: boolean; error: unknown }) {
  return (
    <section className="card">
      <header className="card-header">
        <h3>Top failing provider keys</h3>
        <span className="muted">cancelled requests are the client’s doing and are not counted</span>
      </header>
      <QueryState loading={props.loading} error={props.error} empty={props.rows.length === 0} emptyText="No key failures in this range.">
        <DataTable
          label="Top failing keys"
          columns={columns}
          rows={props.rows}
          rowKey={(r) => `${r.provider}|${r.id}`}
          testId="table-failing-keys"
        />
      </QueryState>
    </section>
  );
}
