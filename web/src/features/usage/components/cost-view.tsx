import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { axisScale } from '../../../components/chart-axis.js';
import { ChartFrame } from '../../../components/chart-frame.js';
import { type Column, DataTable } from '../../../components/data-table.js';
import { type BucketInterval, formatBucket, formatCompact, formatCount, formatPercent, formatUsd } from '../../../components/format.js';
import { QueryState } from '../../../components/states.js';
import { COST_DIMENSIONS, type CostDimension, type CostPoint, type CostRow } from '../model/cost.js';
import { ALL_TAGS, type CostSort, type CostSortKey, MAX_SHOWN_ROWS } from '../model/cost-breakdown.js';
import { MARGIN_HINT, PLATFORM_COST_HINT } from '../model/usage-totals.js';

const LABELS: Record<string, string> = {
  upstream: 'Upstream cost (all, right axis)',
  platform: 'Platform cost',
  billed: 'Billed cost',
  margin: 'Margin',
};

const X_AXIS = (interval: BucketInterval) => (
  <XAxis dataKey="bucket" tickFormatter={(v: string) => formatBucket(v, interval)} minTickGap={24} tick={{ fontSize: 12 }} />
);

/**
 * Cost over time as two charts on one time axis, each on its own scale: billed and platform
 * cost (left axis) with all upstream cost (right axis, it is several times larger: BYOK calls
 * count there), then the margin per bucket. Members see billed cost only.
 */
export function CostOverTimeChart(props: {
  points: CostPoint[];
  interval: BucketInterval;
  loading: boolean;
  error: unknown;
  platformVisible: boolean;
}) {
  const empty = props.points.every((p) => p.upstream === 0 && p.billed === 0 && p.platform === 0);
  const left = axisScale(
    'usd',
    props.points.flatMap((p) => (props.platformVisible ? [p.billed, p.platform] : [p.billed])),
  );
  const right = axisScale(
    'usd',
    props.points.map((p) => p.upstream),
  );
  const margin = axisScale(
    'usd',
    props.points.map((p) => p.margin),
  );
  const tooltip = (
    <Tooltip
      labelFormatter={(v) => formatBucket(String(v), props.interval)}
      formatter={(value, name) => [formatUsd(Number(value), 'exact'), LABELS[String(name)] ?? String(name)]}
    />
  );
  return (
    <>
      <ChartFrame
        title={props.platformVisible ? 'Billed vs cost' : 'Billed cost'}
        {...(props.platformVisible
          ? { subtitle: `${PLATFORM_COST_HINT}; upstream cost (all keys) on the right axis` }
          : { subtitle: 'what your organization is charged' })}
        loading={props.loading}
        error={props.error}
        empty={empty}
        testId="chart-cost"
        height={260}
      >
        <ComposedChart data={props.points} syncId="cost" margin={{ top: 8, right: 4, bottom: 0, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {X_AXIS(props.interval)}
          <YAxis
            yAxisId="left"
            domain={left.domain}
            ticks={left.ticks}
            interval={0}
            tickFormatter={left.format}
            width={64}
            tick={{ fontSize: 12 }}
          />
          {props.platformVisible ? (
            <YAxis
              yAxisId="right"
              orientation="right"
              domain={right.domain}
              ticks={right.ticks}
              interval={0}
              tickFormatter={right.format}
              width={64}
              tick={{ fontSize: 12, fill: '#64748b' }}
            />
          ) : null}
          {tooltip}
          <Legend formatter={(name) => LABELS[String(name)] ?? String(name)} />
          <Line
            yAxisId="left"
            type="linear"
            dataKey="billed"
            name="billed"
            stroke="#2563eb"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          {props.platformVisible ? (
            <>
              <Line
                yAxisId="left"
                type="linear"
                dataKey="platform"
                name="platform"
                stroke="#dc2626"
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
              <Line
                yAxisId="right"
                type="linear"
                dataKey="upstream"
                name="upstream"
                stroke="#94a3b8"
                strokeWidth={2}
                strokeDasharray="5 4"
                dot={false}
                isAnimationActive={false}
              />
            </>
          ) : null}
        </ComposedChart>
      </ChartFrame>
      {props.platformVisible ? (
        <ChartFrame
          title="Margin"
          subtitle={MARGIN_HINT}
          loading={props.loading}
          error={props.error}
          empty={empty}
          emptyText="No cost in this range."
          testId="chart-margin"
          height={180}
        >
          <BarChart data={props.points} syncId="cost" margin={{ top: 8, right: 72, bottom: 0, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {X_AXIS(props.interval)}
            <YAxis
              domain={margin.domain}
              ticks={margin.ticks}
              interval={0}
              tickFormatter={margin.format}
              width={64}
              tick={{ fontSize: 12 }}
            />
            {tooltip}
            <Bar dataKey="margin" name="margin" fill="#16a34a" isAnimationActive={false} />
          </BarChart>
        </ChartFrame>
      ) : null}
    </>
  );
}

export function CostTable(props: {
  dimension: CostDimension;
  onDimension(d: CostDimension): void;
  rows: CostRow[];
  /** null: no total line (tag rows overlap) */
  total: CostRow | null;
  /** rows left off the screen (in the CSV) */
  hidden: number;
  requestsLink(row: CostRow): string | null;
  sort: CostSort;
  onSort(key: CostSortKey): void;
  /** TAG: the kinds of tag (team, feature…) and the one shown */
  tagKinds: string[];
  tagKind: string;
  onTagKind(kind: string): void;
  loading: boolean;
  error: unknown;
  onExport(): void;
  platformVisible: boolean;
}) {
  const label = COST_DIMENSIONS.find((d) => d.id === props.dimension)?.label ?? '';
  const header = props.dimension === 'TAG' ? (props.tagKind === ALL_TAGS ? 'Tag' : `Tag (${props.tagKind})`) : label;
  const columns: Column<CostRow>[] = [
    {
      key: 'label',
      header,
      cell: (r) => {
        const link = props.requestsLink(r);
        const text = <span className="wrap-anywhere">{r.label}</span>;
        return link ? (
          <Link to={link} title={`Requests of ${r.label}`}>
            {text}
          </Link>
        ) : (
          text
        );
      },
    },
    { key: 'requests', header: 'Requests', align: 'right', sort: 'requests', cell: (r) => formatCount(r.requests) },
    {
      key: 'tokens',
      header: 'Tokens in / out',
      align: 'right',
      sort: 'tokens',
      cell: (r) => `${formatCompact(r.inputTokens)} / ${formatCompact(r.outputTokens)}`,
    },
    ...(props.platformVisible
      ? ([
          { key: 'upstream', header: 'Upstream cost', align: 'right', cell: (r) => formatUsd(r.upstreamUsd) },
          { key: 'platform', header: 'Platform cost', align: 'right', cell: (r) => formatUsd(r.platformUsd) },
        ] satisfies Column<CostRow>[])
      : []),
    { key: 'billed', header: 'Billed cost', align: 'right', sort: 'billed', cell: (r) => formatUsd(r.billedUsd) },
    ...(props.platformVisible
      ? ([
          { key: 'margin', header: 'Margin', align: 'right', cell: (r) => formatUsd(r.marginUsd) },
          { key: 'rate', header: 'Margin %', align: 'right', cell: (r) => formatPercent(r.marginRate) },
        ] satisfies Column<CostRow>[])
      : []),
  ];
  return (
    <section className="card">
      <header className="card-header">
        <h3>Cost by</h3>
        <div className="tabs" role="tablist" aria-label="Cost by">
          {COST_DIMENSIONS.map((d) => (
            <button
              key={d.id}
              type="button"
              role="tab"
              aria-selected={props.dimension === d.id}
              className={props.dimension === d.id ? 'tab active' : 'tab'}
              onClick={() => props.onDimension(d.id)}
            >
              {d.label}
            </button>
          ))}
        </div>
        <button type="button" className="button" onClick={props.onExport} disabled={props.rows.length === 0}>
          Export CSV
        </button>
      </header>
      {props.dimension === 'TAG' && props.tagKinds.length > 0 ? (
        <div className="tabs tag-kinds" role="tablist" aria-label="Kind of tag">
          {[...props.tagKinds, ALL_TAGS].map((kind) => (
            <button
              key={kind}
              type="button"
              role="tab"
              aria-selected={props.tagKind === kind}
              className={props.tagKind === kind ? 'tab active' : 'tab'}
              onClick={() => props.onTagKind(kind)}
            >
              {kind === ALL_TAGS ? 'all tags' : `${kind}:`}
            </button>
          ))}
        </div>
      ) : null}
      <QueryState loading={props.loading} error={props.error} empty={props.rows.length === 0} emptyText="No cost in this range.">
        {props.platformVisible ? (
          <p className="muted">
            Upstream cost: every call, including those paid with the organization’s own key (BYOK). {PLATFORM_COST_HINT}. Margin = billed −
            platform cost.
          </p>
        ) : null}
        {props.total === null ? (
          <p className="muted" data-testid="tag-overlap-note">
            A request counts once in each of its tags, so these rows can add up to more than the total.
          </p>
        ) : null}
        <DataTable
          label={`Cost by ${label.toLowerCase()}`}
          columns={columns}
          rows={props.rows}
          footer={props.total}
          rowKey={(r) => r.key}
          testId="table-cost"
          sort={{ key: props.sort.key, descending: props.sort.descending, onSort: (key) => props.onSort(key as CostSortKey) }}
        />
        {props.hidden > 0 ? (
          <p className="muted">
            The first {MAX_SHOWN_ROWS} of {MAX_SHOWN_ROWS + props.hidden} rows; Export CSV has them all.
          </p>
        ) : null}
      </QueryState>
    </section>
  );
}
