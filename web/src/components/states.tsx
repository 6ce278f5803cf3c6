import type { ReactNode } from 'react';
import { errorMessage } from '../apollo/errors.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load this.</strong> {errorMessage(error)}
      {retry ? (
        <button type="button" className="link-button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** Loading → error → empty → content, in one place. */
export function QueryState({
  loading,
  error,
  empty,
  emptyText,
  retry,
  children,
}: {
  loading: boolean;
  error: unknown;
  empty: boolean;
  emptyText: ReactNode;
  retry?: () => void;
  children: ReactNode;
}) {
  if (error) return <ErrorState error={error} {...(retry ? { retry } : {})} />;
  if (loading && empty) return <Loading />;
  if (empty) return <EmptyState>{emptyText}</EmptyState>;
  return <>{children}</>;
}
