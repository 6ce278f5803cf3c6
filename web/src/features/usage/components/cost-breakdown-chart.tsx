import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { axisScale } from '../../../components/chart-axis.js';
import { ChartFrame } from '../../../components/chart-frame.js';
import { formatUsd } from '../../../components/format.js';
import type { CostBar } from '../model/cost-breakdown.js';

const BAR_HEIGHT = 28;

/** Billed cost of the most billed rows of the "Cost by" table, as horizontal bars (most billed on top). */
export function CostBreakdownChart(props: { title: string; bars: CostBar[]; loading: boolean; error: unknown }) {
  const scale = axisScale(
    'usd',
    props.bars.map((b) => b.billed),
  );
  const longest = Math.max(0, ...props.bars.map((b) => b.label.length));
  return (
    <ChartFrame
      title={props.title}
      subtitle="billed cost, the 10 highest"
      loading={props.loading}
      error={props.error}
      empty={props.bars.length === 0}
      emptyText="Nothing billed in this range."
      testId="chart-cost-breakdown"
      height={Math.max(120, props.bars.length * BAR_HEIGHT + 40)}
    >
      <BarChart data={props.bars} layout="vertical" margin={{ top: 4, right: 24, bottom: 0, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={scale.domain} ticks={scale.ticks} interval={0} tickFormatter={scale.format} tick={{ fontSize: 12 }} />
        {/* Wide enough for the labels, up to a third of a laptop screen's card. */}
        <YAxis type="category" dataKey="label" width={Math.min(320, 24 + longest * 7)} tick={{ fontSize: 12 }} interval={0} />
        <Tooltip formatter={(value) => [formatUsd(Number(value), 'exact'), 'Billed cost']} />
        <Bar dataKey="billed" name="billed" fill="#2563eb" isAnimationActive={false} barSize={16} />
      </BarChart>
    </ChartFrame>
  );
}
