/** Failure classes in words, for every page that shows one (the API's enum values stay in CSVs and URLs). */
import type { FailureClass } from '../../../shared/domain.js';

export const FAILURE_CLASS_LABELS: Record<FailureClass, string> = {
  AUTH: 'Auth',
  RATE_LIMIT: 'Rate limit',
  QUOTA: 'Quota',
  BAD_REQUEST: 'Bad request',
  UPSTREAM_ERROR: 'Upstream error',
  TIMEOUT: 'Timeout',
  NETWORK: 'Network',
  STREAM_INTERRUPTED: 'Stream interrupted',
  CANCELLED: 'Cancelled',
};

/** "Rate limit"; an unknown value as it came. */
export function failureClassLabel(value: string | null | undefined): string {
  if (!value) return '—';
  return FAILURE_CLASS_LABELS[value as FailureClass] ?? value;
}
