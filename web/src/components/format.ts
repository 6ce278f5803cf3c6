/** Display formatting shared by every page: money, counts, ratios, durations, dates (UTC). */
import { picoToNumber, toPico } from './decimal.js';

const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/**
 * "$1,234.57"; amounts under a cent keep four significant digits ("$0.004213") so a
 * cheap request never shows as $0.00. Accepts decimal strings, numbers or pico-USD.
 */
export function formatUsd(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const usd = typeof value === 'bigint' ? picoToNumber(value) : typeof value === 'number' ? value : picoToNumber(toPico(value));
  if (!Number.isFinite(usd)) return '—';
  const abs = Math.abs(usd);
  if (abs > 0 && abs < 0.01) {
    // Four significant digits, no exponent, no trailing zeros: 0.0000084 → "$0.0000084".
    const digits = Math.min(12, 3 - Math.floor(Math.log10(abs)));
    return `${usd < 0 ? '-' : ''}$${abs.toFixed(digits).replace(/0+$/, '')}`;
  }
  return usd2.format(usd);
}

/** Axis ticks: "$1.2k", "$35", "$0.42". */
export function formatUsdShort(usd: number): string {
  const abs = Math.abs(usd);
  if (abs >= 1000) return `$${compact.format(usd)}`;
  if (abs >= 10 || abs === 0) return `$${usd.toFixed(0)}`;
  if (abs >= 0.1) return `$${usd.toFixed(2)}`;
  // Two significant digits without exponent or trailing zeros: 0.000045 → "$0.000045".
  return `$${Number(usd.toPrecision(2)).toFixed(Math.min(12, 1 - Math.floor(Math.log10(abs)))).replace(/0+$/, '')}`;
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
