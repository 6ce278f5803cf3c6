/** Usage per gateway key or per provider key (stored BYOK key, hosted/env key name, caller header). */
import { picoToDecimal, picoToNumber, sumPico } from '../../../../../shared/money.js';
import type { UsageGroup } from './usage-totals.js';

export type KeyKind = 'gateway' | 'provider';

export interface KeyUsageRow {
  /** gatewayKeyId or keyRef */
  id: string;
  label: string;
  /** project (gateway keys) or key source (provider keys) */
  context: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  upstreamUsd: number;
  billedUsd: number;
  /** exact, 6 decimals */
  billedCostUsd: string;
  failures: number;
  failureRate: number | null;
}

/** One row per key, busiest first. Groups without the key dimension are ignored. */
export function keyUsageRows(groups: readonly UsageGroup[], kind: KeyKind): KeyUsageRow[] {
  const byKey = new Map<string, UsageGroup[]>();
  for (const group of groups) {
    const id = kind === 'gateway' ? group.gatewayKeyId : group.keyRef;
    if (!id) continue;
    const list = byKey.get(id) ?? [];
    list.push(group);
    byKey.set(id, list);
  }
  const rows: KeyUsageRow[] = [];
  for (const [id, list] of byKey) {
    const first = list[0]!;
    const requests = list.reduce((n, g) => n + g.requests, 0);
    const failures = list.reduce((n, g) => n + g.failures, 0);
    const billed = sumPico(list.map((g) => g.billedCostUsd));
    rows.push({
      id,
      label: kind === 'gateway' ? (first.gatewayKeyName ?? id) : (first.keyLabel ?? id),
      context:
        kind === 'gateway'
          ? [first.organizationName, first.projectName].filter(Boolean).join(' / ')
          : [...new Set(list.map((g) => g.keySource).filter(Boolean))].join(', '),
      requests,
      inputTokens: list.reduce((n, g) => n + g.inputTokens, 0),
      outputTokens: list.reduce((n, g) => n + g.outputTokens, 0),
      upstreamUsd: picoToNumber(sumPico(list.map((g) => g.upstreamCostUsd))),
      billedUsd: picoToNumber(billed),
      billedCostUsd: picoToDecimal(billed, 6),
      failures,
      failureRate: requests ? failures / requests : null,
    });
  }
  return rows.sort((a, b) => b.requests - a.requests || a.label.localeCompare(b.label));
}

/** The request-log filter that shows one key's requests. */
export function requestsLinkFor(kind: KeyKind, id: string): string {
  const params = new URLSearchParams(kind === 'gateway' ? { gatewayKeyId: id } : { keyRef: id });
  return `/requests?${params.toString()}`;
}
