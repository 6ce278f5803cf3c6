/** The request log's filter lives in the URL; this turns it into UsageFilterInput and back. */
import { FAILURE_CLASSES, KEY_SOURCES, REQUEST_STATUSES } from '../../../../../shared/domain.js';
import type { UsageFilterInput } from '../../../graphql/generated.js';

export const FILTER_FIELDS = [
  'organizationId',
  'projectId',
  'gatewayKeyId',
  'keyRef',
  'provider',
  'model',
  'keySource',
  'status',
  'failureClass',
  'tag',
  'endUser',
  'endpoint',
] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type RequestFilterValues = Partial<Record<FilterField, string>>;

const ENUMS: Partial<Record<FilterField, readonly string[]>> = {
  keySource: KEY_SOURCES,
  status: REQUEST_STATUSES,
  failureClass: FAILURE_CLASSES,
};

/** Read the known, well-formed filter fields; unknown enum values are dropped. */
export function filterFromParams(params: URLSearchParams): RequestFilterValues {
  const values: RequestFilterValues = {};
  for (const field of FILTER_FIELDS) {
    const value = params.get(field)?.trim();
    if (!value) continue;
    const allowed = ENUMS[field];
    if (allowed && !allowed.includes(value)) continue;
    values[field] = value;
  }
  return values;
}

export function filterToParams(values: RequestFilterValues, params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const field of FILTER_FIELDS) {
    const value = values[field]?.trim();
    if (value) next.set(field, value);
    else next.delete(field);
  }
  return next;
}

/** The GraphQL filter: the fields plus the time range. */
export function toUsageFilter(values: RequestFilterValues, range: { from: string; to: string }): UsageFilterInput {
  return { ...values, from: range.from, to: range.to } as UsageFilterInput;
}

export function activeFilterCount(values: RequestFilterValues): number {
  return FILTER_FIELDS.filter((f) => values[f]).length;
}
