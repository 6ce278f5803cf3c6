import type { UsageRecord } from '../../db/generated/client.js';

/**
 * Hosted and env calls name their key by its env variable (`GROQ_API_KEY_3`) for operators.
 * Tenants see this one neutral reference instead: which platform key served them, how many
 * there are and how they fail are the platform's business.
 */
export const PLATFORM_KEY_REF = 'platform';
export const PLATFORM_KEY_LABEL = 'platform key';
/** Key sources whose keys belong to the platform (SQL text and enum values alike). */
export const PLATFORM_KEY_SOURCES = ['hosted', 'env'] as const;
/** The same as an SQL list: constants of this file, never request text. */
export const PLATFORM_KEY_SOURCES_SQL = PLATFORM_KEY_SOURCES.map((source) => `'${source}'`).join(', ');

const isPlatformSource = (source: string | null | undefined) =>
  (PLATFORM_KEY_SOURCES as readonly (string | null | undefined)[]).includes(source);

type RoutingEntry = { source?: unknown; keyRef?: unknown };

/**
 * A usage record as a tenant may see it; operators get it unchanged. A platform-key call's
 * upstream cost is the platform's cost: null to tenants (their billed cost is theirs).
 */
export function recordForViewer(record: UsageRecord, namesPlatformKeys: boolean): UsageRecord {
  if (namesPlatformKeys) return record;
  const routing = record.routing as { candidates?: RoutingEntry[]; attempts?: RoutingEntry[] } | null;
  const neutral = (entries: RoutingEntry[] | undefined) =>
    entries?.map((entry) => (isPlatformSource(entry.source as string) ? { ...entry, keyRef: PLATFORM_KEY_REF } : entry));
  return {
    ...record,
    keyRef: isPlatformSource(record.keySource) ? PLATFORM_KEY_REF : record.keyRef,
    upstreamCostUsd: isPlatformSource(record.keySource) ? null : record.upstreamCostUsd,
    routing:
      routing && typeof routing === 'object'
        ? { ...routing, candidates: neutral(routing.candidates), attempts: neutral(routing.attempts) }
        : record.routing,
  } as UsageRecord;
}
