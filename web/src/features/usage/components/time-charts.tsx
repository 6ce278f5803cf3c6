import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { type AxisKind, axisScale } from '../../../components/chart-axis.js';
import { ChartFrame, seriesColor } from '../../../components/chart-frame.js';
import { type BucketInterval, formatBucket } from '../../../components/format.js';
import type { SeriesRow } from '../model/usage-series.js';

export interface TimeChartProps {
  title: string;
  subtitle?: string;
  rows: SeriesRow[] | { bucket: string; [k: string]: number | string | null }[];
  series: readonly string[];
  interval: BucketInterval;
  loading: boolean;
  error: unknown;
  /** Tooltip values (exact) */
  format(value: number): string;
  /** What the y axis measures: its round ticks and their labels follow from it */
  axis: AxisKind;
  colors?: Record<string, string>;
  labels?: Record<string, string>;
  /** bar: stacked parts of a whole; line: series compared side by side (never stacked); area: stacked */
  kind?: 'bar' | 'area' | 'line';
  testId?: string;
  height?: number;
  /** Override the all-zero check (an error-rate line at 0% is still data) */
  empty?: boolean;
  emptyText?: string;
}

/** Stacked bars / areas or lines over time buckets, with a round-ticked axis, legend and a formatted tooltip. */
export function TimeChart(props: TimeChartProps) {
  const color = (name: string, index: number) => props.colors?.[name] ?? seriesColor(index);
  const label = (name: string) => props.labels?.[name] ?? name;
  const kind = props.kind ?? 'bar';
  const rows = props.rows as Record<string, unknown>[];
  const empty =
    props.empty ?? (rows.length === 0 || props.series.length === 0 || rows.every((r) => props.series.every((s) => !Number(r[s] ?? 0))));
  // Stacked kinds reach the sum of a bucket's series; lines only their largest value.
  const peaks = rows.map((r) =>
    kind === 'line'
      ? Math.max(0, ...props.series.map((s) => Number(r[s] ?? 0)))
      : props.series.reduce((sum, s) => sum + Math.max(0, Number(r[s] ?? 0)), 0),
  );
  const scale = axisScale(props.axis, peaks);
  const common = { data: rows, margin: { top: 8, right: 12, bottom: 0, left: 4 } };
  const axes = [
    <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
    <XAxis
      key="x"
      dataKey="bucket"
      tickFormatter={(v: string) => formatBucket(v, props.interval)}
      minTickGap={24}
      tick={{ fontSize: 12 }}
    />,
    <YAxis
      key="y"
      domain={scale.domain}
      ticks={scale.ticks}
      interval={0}
      allowDataOverflow={props.axis === 'percent'}
      tickFormatter={scale.format}
      width={64}
      tick={{ fontSize: 12 }}
    />,
    <Tooltip
      key="tip"
      labelFormatter={(v) => formatBucket(String(v), props.interval)}
      formatter={(value, name) => [props.format(Number(value)), label(String(name))]}
    />,
    <Legend key="legend" formatter={(name) => label(String(name))} />,
  ];
  return (
    <ChartFrame
      title={props.title}
      {...(props.subtitle ? { subtitle: props.subtitle } : {})}
      loading={props.loading}
      error={props.error}
      empty={empty}
      {...(props.emptyText ? { emptyText: props.emptyText } : {})}
      {...(props.testId ? { testId: props.testId } : {})}
      {...(props.height ? { height: props.height } : {})}
    >
      {kind === 'bar' ? (
        <BarChart {...common}>
          {axes}
          {props.series.map((name, i) => (
            <Bar key={name} dataKey={name} name={name} stackId="a" fill={color(name, i)} isAnimationActive={false} />
          ))}
        </BarChart>
      ) : kind === 'area' ? (
        <AreaChart {...common}>
          {axes}
          {props.series.map((name, i) => (
            <Area
              key={name}
              type="monotone"
              dataKey={name}
              name={name}
              stackId="a"
              stroke={color(name, i)}
              fill={color(name, i)}
              fillOpacity={0.35}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      ) : (
        <LineChart {...common}>
          {axes}
          {props.series.map((name, i) => (
            <Line
              key={name}
              type="linear"
              dataKey={name}
              name={name}
              stroke={color(name, i)}
              strokeWidth={2}
              dot={{ r: 2 }}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      )}
    </ChartFrame>
  );
}
