import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from '../../../components/chart-frame.js';
import { type Column, DataTable } from '../../../components/data-table.js';
import { type BucketInterval, formatBucket, formatCount, formatPercent, formatUsd, formatUsdShort } from '../../../components/format.js';
import { QueryState } from '../../../components/states.js';
import { COST_DIMENSIONS, type CostDimension, type CostPoint, type CostRow } from '../model/cost.js';
import { MARGIN_HINT, PLATFORM_COST_HINT } from '../model/usage-totals.js';

const LABELS: Record<string, string> = { upstream: 'Upstream cost (all)', platform: 'Platform cost', billed: 'Billed cost', margin: 'Margin' };

export function CostOverTimeChart(props: { points: CostPoint[]; interval: BucketInterval; loading: boolean; error: unknown }) {
  const empty = props.points.every((p) => p.upstream === 0 && p.billed === 0 && p.platform === 0);
  return (
    <ChartFrame title="Cost vs billed" subtitle={`${MARGIN_HINT}; ${PLATFORM_COST_HINT.charAt(0).toLowerCase()}${PLATFORM_COST_HINT.slice(1)}`} loading={props.loading} error={props.error} empty={empty} testId="chart-cost" height={280}>
      <ComposedChart data={props.points} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="bucket" tickFormatter={(v: string) => formatBucket(v, props.interval)} minTickGap={24} tick={{ fontSize: 12 }} />
        <YAxis tickFormatter={formatUsdShort} width={76} tick={{ fontSize: 12 }} />
        <Tooltip labelFormatter={(v) => formatBucket(String(v), props.interval)} formatter={(value, name) => [formatUsd(Number(value)), LABELS[String(name)] ?? String(name)]} />
        <Legend formatter={(name) => LABELS[String(name)] ?? String(name)} />
        <Bar dataKey="margin" name="margin" fill="#86efac" isAnimationActive={false} />
        <Line type="monotone" dataKey="upstream" name="upstream" stroke="#94a3b8" strokeWidth={2} strokeDasharray="5 4" dot={false} isAnimationActive={false} />
        <Line type="monotone" dataKey="platform" name="platform" stroke="#dc2626" strokeWidth={2} dot={false} isAnimationActive={false} />
        <Line type="monotone" dataKey="billed" name="billed" stroke="#2563eb" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ChartFrame>
  );
}

export function CostTable(props: {
  dimension: CostDimension;
  onDimension(d: CostDimension): void;
  rows: CostRow[];
  total: CostRow;
  loading: boolean;
  error: unknown;
  onExport(): void;
}) {
  const label = COST_DIMENSIONS.find((d) => d.id === props.dimension)?.label ?? '';
  const columns: Column<CostRow>[] = [
    { key: 'label', header: label, cell: (r) => r.label },
    { key: 'requests', header: 'Requests', align: 'right', cell: (r) => formatCount(r.requests) },
    { key: 'upstream', header: 'Upstream cost', align: 'right', cell: (r) => formatUsd(r.upstreamUsd) },
    { key: 'platform', header: 'Platform cost', align: 'right', cell: (r) => formatUsd(r.platformUsd) },
    { key: 'billed', header: 'Billed cost', align: 'right', cell: (r) => formatUsd(r.billedUsd) },
    { key: 'margin', header: 'Margin', align: 'right', cell: (r) => formatUsd(r.marginUsd) },
    { key: 'rate', header: 'Margin %', align: 'right', cell: (r) => formatPercent(r.marginRate) },
  ];
  return (
    <section className="card">
      <header className="card-header">
        <h3>Cost by</h3>
        <div className="tabs" role="tablist">
          {COST_DIMENSIONS.map((d) => (
            <button key={d.id} type="button" role="tab" aria-selected={props.dimension === d.id} className={props.dimension === d.id ? 'tab active' : 'tab'} onClick={() => props.onDimension(d.id)}>
              {d.label}
            </button>
          ))}
        </div>
        <button type="button" className="button" onClick={props.onExport} disabled={props.rows.length === 0}>
          Export CSV
        </button>
      </header>
      <QueryState loading={props.loading} error={props.error} empty={props.rows.length === 0} emptyText="No cost in this range.">
        <p className="muted">Upstream cost: every call, including those paid with the organization’s own key (BYOK). {PLATFORM_COST_HINT}. Margin = billed − platform cost.</p>
        <DataTable label={`Cost by ${label.toLowerCase()}`} columns={columns} rows={props.rows} footer={props.total} rowKey={(r) => r.key} testId="table-cost" />
      </QueryState>
    </section>
  );
}
