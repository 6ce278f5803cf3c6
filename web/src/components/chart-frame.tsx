import type { ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { QueryState } from './states.js';

/** A titled card holding one chart, with loading, error and empty states and a fixed height. */
export function ChartFrame(props: {
  title: string;
  subtitle?: string;
  loading: boolean;
  error: unknown;
  empty: boolean;
  height?: number;
  testId?: string;
  /** Why there is nothing to draw (default: no requests in this range) */
  emptyText?: ReactNode;
  children: ReactNode;
}) {
  const height = props.height ?? 260;
  return (
    <section className="card chart-card" data-testid={props.testId} aria-label={props.title}>
      <header className="card-header">
        <h3>{props.title}</h3>
        {props.subtitle ? <span className="muted">{props.subtitle}</span> : null}
      </header>
      <QueryState
        loading={props.loading}
        error={props.error}
        empty={props.empty}
        emptyText={
          // As tall as the chart would be, so a card beside it keeps its shape.
          <div className="chart-empty" style={{ minHeight: height }}>
            {props.emptyText ?? 'No requests in this range.'}
          </div>
        }
      >
        <div style={{ width: '100%', height }}>
          <ResponsiveContainer width="100%" height="100%">
            {props.children as never}
          </ResponsiveContainer>
        </div>
      </QueryState>
    </section>
  );
}

/** Colors that stay distinguishable for up to ten series. */
export const SERIES_COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#64748b'];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

export const KEY_SOURCE_COLORS: Record<string, string> = {
  byok: '#2563eb',
  user: '#7c3aed',
  hosted: '#16a34a',
  env: '#f59e0b',
  unknown: '#94a3b8',
};

export const FAILURE_COLORS: Record<string, string> = {
  AUTH: '#dc2626',
  RATE_LIMIT: '#f59e0b',
  QUOTA: '#ea580c',
  BAD_REQUEST: '#64748b',
  UPSTREAM_ERROR: '#7c3aed',
  TIMEOUT: '#0891b2',
  NETWORK: '#db2777',
  STREAM_INTERRUPTED: '#2563eb',
  CANCELLED: '#94a3b8',
};
