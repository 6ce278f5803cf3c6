/** The date range every analytics page shares, kept in the URL (?range=7d or ?from=…&to=…). */
import type { BucketInterval } from './format.js';

export const RANGE_PRESETS = [
  { id: '24h', label: 'Last 24 hours' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'mtd', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['id'];
export type RangeChoice = { preset: RangePreset } | { preset: 'custom'; from: string; to: string };

export interface ResolvedRange {
  /** ISO instants: from inclusive, to exclusive */
  from: string;
  to: string;
  interval: BucketInterval;
  label: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DEFAULT_RANGE: RangeChoice = { preset: '30d' };

/** The bucket width that gives a readable number of points for a span. */
export function intervalFor(spanMs: number): BucketInterval {
  if (spanMs <= 2 * DAY) return 'HOUR';
  if (spanMs <= 92 * DAY) return 'DAY';
  if (spanMs <= 366 * DAY) return 'WEEK';
  return 'MONTH';
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Turn a choice into concrete instants. Custom dates are whole UTC days, `to` inclusive. */
export function resolveRange(choice: RangeChoice, now: Date): ResolvedRange {
  const make = (from: Date, to: Date, label: string): ResolvedRange => ({
    from: from.toISOString(),
    to: to.toISOString(),
    interval: intervalFor(to.getTime() - from.getTime()),
    label,
  });
  switch (choice.preset) {
    case '24h':
      return make(new Date(now.getTime() - DAY), now, 'Last 24 hours');
    case '7d':
      return make(new Date(now.getTime() - 7 * DAY), now, 'Last 7 days');
    case '30d':
      return make(new Date(now.getTime() - 30 * DAY), now, 'Last 30 days');
    case '90d':
      return make(new Date(now.getTime() - 90 * DAY), now, 'Last 90 days');
    case 'mtd':
      return make(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), now, 'This month');
    case 'last-month': {
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
      const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      return make(start, end, start.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }));
    }
    case 'custom': {
      const from = startOfUtcDay(new Date(`${choice.from}T00:00:00Z`));
      const to = new Date(startOfUtcDay(new Date(`${choice.to}T00:00:00Z`)).getTime() + DAY);
      return make(from, to, `${choice.from} – ${choice.to}`);
    }
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Read the choice from URL search params; anything malformed falls back to the default. */
export function rangeFromParams(params: URLSearchParams): RangeChoice {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && DATE.test(from) && DATE.test(to) && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to)) && from <= to) {
    return { preset: 'custom', from, to };
  }
  const preset = params.get('range');
  const known = RANGE_PRESETS.find((p) => p.id === preset);
  return known ? { preset: known.id } : DEFAULT_RANGE;
}

/** Write the choice into a copy of the params (other params kept). */
export function rangeToParams(choice: RangeChoice, params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('range');
  next.delete('from');
  next.delete('to');
  if (choice.preset === 'custom') {
    next.set('from', choice.from);
    next.set('to', choice.to);
  } else if (choice.preset !== DEFAULT_RANGE.preset) {
    next.set('range', choice.preset);
  }
  return next;
}

/** Every bucket start between from (inclusive) and to (exclusive), UTC, so gaps show as zero. */
export function bucketsBetween(fromIso: string, toIso: string, interval: BucketInterval): string[] {
  const to = new Date(toIso).getTime();
  let cursor = floorToBucket(new Date(fromIso), interval);
  const buckets: string[] = [];
  while (cursor.getTime() < to && buckets.length < 2000) {
    buckets.push(cursor.toISOString());
    cursor = nextBucket(cursor, interval);
  }
  return buckets;
}

/** Matches PostgreSQL date_trunc in UTC (weeks start on Monday). */
export function floorToBucket(date: Date, interval: BucketInterval): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (interval) {
    case 'HOUR':
      return new Date(Date.UTC(y, m, d, date.getUTCHours()));
    case 'DAY':
      return new Date(Date.UTC(y, m, d));
    case 'WEEK': {
      const day = new Date(Date.UTC(y, m, d));
      const sinceMonday = (day.getUTCDay() + 6) % 7;
      return new Date(day.getTime() - sinceMonday * DAY);
    }
    case 'MONTH':
      return new Date(Date.UTC(y, m, 1));
  }
}

function nextBucket(date: Date, interval: BucketInterval): Date {
  switch (interval) {
    case 'HOUR':
      return new Date(date.getTime() + HOUR);
    case 'DAY':
      return new Date(date.getTime() + DAY);
    case 'WEEK':
      return new Date(date.getTime() + 7 * DAY);
    case 'MONTH':
      return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
  }
}
