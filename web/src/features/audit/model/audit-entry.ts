/** Audit entries made readable: who did what to which target, and what changed, in words. */
import { formatDateTime, formatUsd } from '../../../components/format.js';
import type { AuditLogQuery } from '../../../graphql/generated.js';

export type AuditEntry = AuditLogQuery['auditLog']['nodes'][number];

/** Labels where splitting the camelCase name is not enough. */
const LABELS: Record<string, string> = {
  rpmLimit: 'RPM limit',
  budgetUsd: 'Budget',
  amountUsd: 'Amount',
  byokFeeRate: 'BYOK fee rate',
  scopeId: 'Scope',
  userId: 'User',
  newAccount: 'New account',
};
/** Money fields: shown by the dashboard's money rule. */
const MONEY = new Set(['budgetUsd', 'amountUsd', 'balanceAfter']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** "allowedModels" → "Allowed models". */
export function fieldLabel(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value in words: nothing (null, '', []) is "none", booleans yes/no, lists up to five items. */
export function valueText(value: unknown, key = ''): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (MONEY.has(key) && (typeof value === 'string' || typeof value === 'number')) return formatUsd(value);
  if (typeof value === 'string') return ISO_TIME.test(value) ? formatDateTime(value) : value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    const shown = value.slice(0, 5).map((item) => valueText(item));
    return value.length > 5 ? `${shown.join(', ')} +${value.length - 5}` : shown.join(', ');
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${fieldLabel(k)} ${valueText(v, k)}`)
    .join(', ');
}

export interface AuditChange {
  label: string;
  /** "API_KEYS → CREDITS" for a change, or the value set */
  text: string;
}

/**
 * `details` (JSON; masks, never secrets) as changes: `{before, after}`, `{old, new}` and
 * `previousX` beside `x` read "Mode: API_KEYS → CREDITS"; ids of the entry's own target and
 * parents are left out (the target column names it).
 */
export function auditChanges(details: unknown): AuditChange[] {
  if (details === null || details === undefined) return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [{ label: 'Details', text: valueText(details) }];
  const d = details as Record<string, unknown>;
  const changes: AuditChange[] = [];
  const change = (key: string, from: unknown, to: unknown) =>
    changes.push({ label: fieldLabel(key), text: `${valueText(from, key)} → ${valueText(to, key)}` });
  const record = (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const before = record(d.before);
  const after = record(d.after);
  if (before || after) {
    for (const key of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) change(key, before?.[key], after?.[key]);
  }
  for (const [key, value] of Object.entries(d)) {
    if ((key === 'before' && before) || (key === 'after' && after)) continue;
    if (key === 'old' || key === 'new') continue;
    if (/^previous[A-Z]/.test(key) || key === 'previous') continue;
    if (/Id$/.test(key) && typeof value === 'string' && UUID.test(value)) continue;
    const previousKey = `previous${key.charAt(0).toUpperCase()}${key.slice(1)}`;
    if (previousKey in d) change(key, d[previousKey], value);
    else if (key === 'enabled' && 'previous' in d) change(key, d.previous, value);
    else changes.push({ label: fieldLabel(key), text: valueText(value, key) });
  }
  if ('old' in d || 'new' in d) change('value', d.old, d.new);
  return changes;
}

/** The changes as one line: "Name: staging · Allowed models: none". */
export function describeDetails(details: unknown, maxLength = 240): string {
  const text = auditChanges(details)
    .map((c) => `${c.label}: ${c.text}`)
    .join(' · ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** "Gateway key staging" (the name from the details when there is one), else the type and a short id. */
export function describeTarget(entry: Pick<AuditEntry, 'targetType' | 'targetId'> & { details?: unknown }): string {
  const type = fieldLabel(entry.targetType);
  const details = entry.details && typeof entry.details === 'object' ? (entry.details as Record<string, unknown>) : {};
  const name = ['name', 'email', 'key', 'slug'].map((k) => details[k]).find((v): v is string => typeof v === 'string' && v !== '');
  if (name) return `${type} ${name}`;
  if (!entry.targetId) return type;
  return `${type} ${UUID.test(entry.targetId) ? `${entry.targetId.slice(0, 8)}…` : entry.targetId}`;
}

export interface AuditFilter {
  actorId: string | null;
  action: string | null;
}

/** Who acted in the entries at hand (plus the one filtered on), for the "Who" choice. */
export function actorOptions(
  entries: readonly AuditEntry[],
  current: { id: string; label: string } | null,
): { id: string; label: string }[] {
  const byId = new Map<string, string>();
  if (current) byId.set(current.id, current.label);
  for (const entry of entries) if (entry.actorUserId && !byId.has(entry.actorUserId)) byId.set(entry.actorUserId, entry.actorLabel);
  return [...byId].map(([id, label]) => ({ id, label })).sort((a, b) => a.label.localeCompare(b.label));
}

/** Actions seen, and each kind ("provider-key.") for a filter on all of them. */
export function actionOptions(entries: readonly AuditEntry[]): string[] {
  const actions = new Set<string>();
  for (const entry of entries) {
    actions.add(entry.action);
    const dot = entry.action.indexOf('.');
    if (dot > 0) actions.add(entry.action.slice(0, dot + 1));
  }
  return [...actions].sort();
}
