/** Audit entries made readable: who did what to which target, and what changed. */
import type { AuditLogQuery } from '../../../graphql/generated.js';

export type AuditEntry = AuditLogQuery['auditLog']['nodes'][number];

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length <= 5 ? value.map(valueText).join(', ') : `${value.slice(0, 5).map(valueText).join(', ')} +${value.length - 5}`;
  return JSON.stringify(value);
}

/** `details` (JSON; masks, never secrets) as "key: hosted-key-llm · enabled: true". */
export function describeDetails(details: unknown, maxLength = 240): string {
  if (details === null || details === undefined) return '';
  const text =
    typeof details === 'object' && !Array.isArray(details)
      ? Object.entries(details as Record<string, unknown>)
          .map(([key, value]) => `${key}: ${valueText(value)}`)
          .join(' · ')
      : valueText(details);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "FeatureFlag hosted-key-llm", "GatewayKey 6b19d9ff…" (ids shortened; the full id is in the title). */
export function describeTarget(entry: Pick<AuditEntry, 'targetType' | 'targetId'>): string {
  if (!entry.targetId) return entry.targetType;
  return `${entry.targetType} ${UUID.test(entry.targetId) ? `${entry.targetId.slice(0, 8)}…` : entry.targetId}`;
}
