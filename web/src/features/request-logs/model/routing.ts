/** The routing decision stored with a request (JSON), made safe to render whatever its shape. */
export interface RoutingView {
  model: string | null;
  why: string | null;
  order: string[];
  candidates: { provider: string; source: string; keyRef: string; status: string; chosen: boolean; retryAfterMs: number | null }[];
  attempts: { provider: string; source: string; keyRef: string; outcome: string }[];
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Null when the request has no routing decision (refused before routing). */
export function routingView(routing: unknown): RoutingView | null {
  if (!routing || typeof routing !== 'object') return null;
  const r = record(routing);
  const attempts = list(r.attempts).map((a) => {
    const x = record(a);
    return { provider: text(x.provider), source: text(x.source), keyRef: text(x.keyRef), outcome: text(x.outcome) };
  });
  const finalAttempt = attempts.at(-1);
  const chosenProvider =
    finalAttempt?.outcome === 'success' || finalAttempt?.outcome === 'ok'
      ? finalAttempt.provider
      : (list(r.order)[0] as string | undefined);
  return {
    model: typeof r.model === 'string' ? r.model : null,
    why: typeof r.why === 'string' && r.why ? r.why : null,
    order: list(r.order).map(text),
    candidates: list(r.candidates).map((c) => {
      const x = record(c);
      return {
        provider: text(x.provider),
        source: text(x.source) || '—',
        keyRef: text(x.keyRef) || '—',
        status: text(x.status),
        chosen: text(x.provider) === chosenProvider,
        retryAfterMs: typeof x.retryAfterMs === 'number' ? x.retryAfterMs : null,
      };
    }),
    attempts,
  };
}
