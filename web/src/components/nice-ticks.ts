/**
 * Round axis ticks (the "nice numbers" of Heckbert's Graphics Gems): steps of 1, 2, 2.5 or 5
 * times a power of ten, so an axis reads $0.01/$0.02/… or 5%/10%/…, never $0.0085 or 6.5%.
 * Every chart's numeric axis takes its domain and ticks from here.
 */
export interface NiceScale {
  /** [0 or the nice minimum, the nice maximum] */
  domain: [number, number];
  ticks: number[];
  step: number;
}

const MULTIPLES = [1, 2, 2.5, 5, 10];

/** The smallest round step that covers `span` in at most `count` intervals. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = MULTIPLES.find((m) => m * power >= raw * (1 - 1e-9)) ?? 10;
  return multiple * power;
}

/**
 * A domain from 0 (or below, for negative data) to a round value at or above `max`, with about
 * `count` intervals. `cap` bounds the top (a ratio axis stops at 100 %); all-zero data gets [0, 1 step].
 */
export function niceTicks(values: readonly number[], options: { count?: number; cap?: number; minStep?: number } = {}): NiceScale {
  const count = options.count ?? 4;
  const finite = values.filter((v) => Number.isFinite(v));
  let max = Math.max(0, ...finite);
  const min = Math.min(0, ...finite);
  if (options.cap !== undefined) max = Math.min(max, options.cap);
  let step = niceStep(max - min, count);
  if (options.minStep !== undefined) step = Math.max(step, options.minStep);
  if (max === min) return { domain: [min, min + step], ticks: [min, min + step], step };
  const low = Math.floor(min / step + 1e-9) * step;
  let high = Math.ceil(max / step - 1e-9) * step;
  if (options.cap !== undefined) high = Math.min(high, Math.ceil(options.cap / step - 1e-9) * step);
  const ticks: number[] = [];
  // Rounded to the step's precision, so 0.1 + 0.2 lands on 0.3.
  const precise = (value: number) => Number(value.toPrecision(12));
  for (let value = low; value <= high + step / 2; value += step) ticks.push(precise(value));
  return { domain: [precise(low), precise(high)], ticks, step };
}
