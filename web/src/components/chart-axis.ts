/** A chart's numeric axis: round ticks (niceTicks) and labels with just the decimals the step needs. */
import { formatCompact, formatPercentTick, formatUsdTick } from './format.js';
import { niceTicks } from './nice-ticks.js';

export type AxisKind = 'usd' | 'count' | 'percent';

export interface AxisScale {
  domain: [number, number];
  ticks: number[];
  format(value: number): string;
}

/**
 * `values`: what the axis must reach (a stack's total per bucket, a line's points). Counts step
 * by whole numbers; a percent axis is scaled to its data but never past 100 %.
 */
export function axisScale(kind: AxisKind, values: readonly number[]): AxisScale {
  const scale = niceTicks(values, kind === 'count' ? { minStep: 1 } : kind === 'percent' ? { cap: 1, minStep: 0.001 } : {});
  const format =
    kind === 'usd'
      ? (v: number) => formatUsdTick(v, scale.step)
      : kind === 'percent'
        ? (v: number) => formatPercentTick(v, scale.step)
        : (v: number) => formatCompact(v);
  return { domain: scale.domain, ticks: scale.ticks, format };
}
