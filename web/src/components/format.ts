/** Display formatting shared by every page: money, counts, ratios, durations, dates (UTC). */
import { picoToDecimal, picoToNumber, toPico } from '../../../shared/money.js';

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const grouped = (digits: { min: number; max: number }) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits.min, maximumFractionDigits: digits.max, useGrouping: true });
const cents = grouped({ min: 2, max: 2 });

/** Axis ticks never need more decimals than this (a micro-dollar). */
const MAX_TICK_DECIMALS = 6;

/**
 * The dashboard's one money rule. Shown: $1 and more with cents ("$1,234.57"); under $1, up to
 * four significant digits, at least cents ("$0.50", "$0.1235", "$0.005588") so a cheap request
 * never reads $0.00. `exact` (tooltips, the credit ledger, where neighbouring figures differ by
 * less than a cent): every stored decimal, at least cents ("$499.441234"). Accepts decimal
 * strings, numbers or pico-USD.
 */
export function formatUsd(value: string | number | bigint | null | undefined, precision: 'shown' | 'exact' = 'shown'): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' && !Number.isFinite(value)) return '—';
  const pico = typeof value === 'bigint' ? value : toPico(value);
  if (precision === 'exact') return exactUsd(pico);
  const usd = picoToNumber(pico);
  const abs = Math.abs(usd);
  const sign = usd < 0 && abs > 0 ? '-' : '';
  if (abs >= 1 || abs === 0) return `${sign}$${cents.format(abs)}`;
  // Four significant digits, no exponent, no trailing zeros beyond the cents: 0.0000084 → "$0.0000084".
  const digits = Math.max(2, Math.min(12, 3 - Math.floor(Math.log10(abs))));
  const text = abs.toFixed(digits).replace(/0+$/, '');
  const [whole, fraction = ''] = text.split('.');
  return `${sign}$${whole}.${fraction.padEnd(2, '0')}`;
}

/** Every decimal the ledger keeps (pico-USD), without floats: "$1,499.441234". */
function exactUsd(pico: bigint): string {
  const [whole = '0', fraction = ''] = picoToDecimal(pico < 0n ? -pico : pico).split('.');
  const decimals = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${pico < 0n ? '-' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${decimals}`;
}

/**
 * An axis tick: as many decimals as the tick step needs and no more, so ticks read as round
 * numbers ("$0.01", "$0.02" — not "$0.0085"); "$1.5K" from a thousand up. `step` comes from niceTicks.
 */
export function formatUsdTick(usd: number, step: number): string {
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs >= 1000 && step >= 100) return `${sign}$${compact.format(abs)}`;
  // Under a dollar, at least cents ("$0.10", not "$0.1"), as money reads everywhere else.
  const decimals = step < 1 ? Math.max(2, decimalsFor(step)) : decimalsFor(step);
  return `${sign}$${abs.toFixed(Math.min(MAX_TICK_DECIMALS, decimals))}`;
}

/** A ratio axis tick ("5%", "2.5%"), with the decimals the step needs. */
export function formatPercentTick(ratio: number, step: number): string {
  return `${(ratio * 100).toFixed(decimalsFor(step * 100))}%`;
}

/** Decimals that show every multiple of `step` exactly: 0.05 → 2, 2.5 → 1, 10 → 0. */
export function decimalsFor(step: number): number {
  if (!(step > 0) || step >= 1) return Number.isInteger(step) || !(step > 0) ? 0 : 1;
  let decimals = 0;
  while (decimals < 12 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-9 * 10 ** decimals) decimals += 1;
  return decimals;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return count.format(value);
}

export function formatCompact(value: number): string {
  return compact.format(value);
}

/** 0.0421 → "4.2%"; null when there is nothing to divide. */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

/** "2025-03-04 13:05 UTC" */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export type BucketInterval = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';

/** A time bucket's label on an axis: "Mar 4 13:00" by hour, "Mar 4" by day or week, "Mar 2025" by month. */
export function formatBucket(iso: string, interval: BucketInterval): string {
  const date = new Date(iso);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  if (interval === 'MONTH') return `${month} ${date.getUTCFullYear()}`;
  const day = `${month} ${date.getUTCDate()}`;
  if (interval === 'HOUR') return `${day} ${String(date.getUTCHours()).padStart(2, '0')}:00`;
  return day;
}
