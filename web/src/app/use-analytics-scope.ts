import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { type RangeChoice, rangeFromParams, rangeToParams, resolveRange } from '../components/date-range.js';

/** Range and organization for the analytics pages, read from and written to the URL. */
export function useAnalyticsScope() {
  const [params, setParams] = useSearchParams();
  const choice = rangeFromParams(params);
  const key = choice.preset === 'custom' ? `${choice.from}_${choice.to}` : choice.preset;
  // Resolve once per choice so "now" does not change on every render (that would refetch forever).
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the choice's identity on purpose (see above)
  const range = useMemo(() => resolveRange(choice, new Date()), [key]);
  const organizationId = params.get('org') || null;
  return {
    params,
    choice,
    range,
    organizationId,
    setRange(next: RangeChoice) {
      setParams(rangeToParams(next, params));
    },
    setOrganization(id: string | null) {
      const next = new URLSearchParams(params);
      if (id) next.set('org', id);
      else next.delete('org');
      setParams(next);
    },
    setParams,
  };
}
