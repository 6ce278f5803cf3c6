import type { PrismaClient } from '../../db/database.js';
import { type LimiterMode, Prisma } from '../../db/generated/client.js';
import type { KeyState, StateStore } from '../../state/state-store.js';
import { type Actor, requireOperator } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { notFound } from '../errors.js';
import type { ProviderSettingService } from '../provider-settings/provider-setting.service.js';

export type HostedKeyState = 'AVAILABLE' | 'COOLING_DOWN' | 'DISABLED';

export interface HostedKeyWindowStats {
  requests: number;
  failures: number;
  /** USD billed for calls this key served, exact decimal text. */
  billedCostUsd: string;
}

/** One hosted key, by its env variable name (never the secret). */
export interface HostedKeyView {
  provider: string;
  name: string;
  state: HostedKeyState;
  cooldownUntil: Date | null;
  disabledReason: string | null;
  lastUsedAt: Date | null;
  lastHour: HostedKeyWindowStats;
  lastDay: HostedKeyWindowStats;
}

export interface HostedProviderPool {
  provider: string;
  keys: HostedKeyView[];
}

export interface ProviderSettingView {
  provider: string;
  limiterMode: LimiterMode;
  requestsPerMinute: number | null;
  queueTimeoutMs: number | null;
  updatedAt: Date | null;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const EMPTY: HostedKeyWindowStats = { requests: 0, failures: 0, billedCostUsd: '0' };
const DISABLED_BY_OPERATOR = 'Disabled by an operator';

/** The platform's hosted key pool as operators see it: state from the StateStore, traffic from usage records. */
export class HostedKeyPoolService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly state: StateStore,
    private readonly hostedKeyNames: ReadonlyMap<string, readonly string[]>,
    private readonly providerSettings: ProviderSettingService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every provider with its hosted keys (possibly none), in provider order. */
  async pool(actor: Actor): Promise<HostedProviderPool[]> {
    requireOperator(actor);
    const keys = await this.views([...this.hostedKeyNames].flatMap(([provider, names]) => names.map((name) => ({ provider, name }))));
    return [...this.hostedKeyNames.keys()].map((provider) => ({ provider, keys: keys.filter((key) => key.provider === provider) }));
  }

  /** Re-enable a key (clearing its cooldown too) or take it out of rotation. */
  async setEnabled(actor: Actor, name: string, enabled: boolean): Promise<HostedKeyView> {
    requireOperator(actor);
    const provider = [...this.hostedKeyNames].find(([, names]) => names.includes(name))?.[0];
    if (!provider) throw notFound('Hosted key');
    if (enabled) {
      await this.state.setDisabled(name, false, null);
      await this.state.setCooldown(name, 0);
    } else {
      await this.state.setDisabled(name, true, DISABLED_BY_OPERATOR);
    }
    await this.audit.record(this.prisma, actor, {
      organizationId: null,
      action: enabled ? 'hosted-key.enable' : 'hosted-key.disable',
      targetType: 'HostedKey',
      targetId: name,
      details: { provider, name, enabled },
    });
    const [view] = await this.views([{ provider, name }]);
    return view as HostedKeyView;
  }

  /** Limiter settings for every provider with a hosted pool entry, defaults where none was set. */
  async settings(actor: Actor): Promise<ProviderSettingView[]> {
    requireOperator(actor);
    const rows = new Map((await this.providerSettings.all()).map((row) => [row.provider, row]));
    const providers = [...new Set([...this.hostedKeyNames.keys(), ...rows.keys()])];
    return providers.map(
      (provider) => rows.get(provider) ?? { provider, limiterMode: 'NONE', requestsPerMinute: null, queueTimeoutMs: null, updatedAt: null },
    );
  }

  private async views(keys: { provider: string; name: string }[]): Promise<HostedKeyView[]> {
    if (keys.length === 0) return [];
    const now = this.now();
    const names = keys.map((key) => key.name);
    const [states, stats] = await Promise.all([this.state.keyStates(names), this.stats(names, now)]);
    return keys.map(({ provider, name }) => {
      const state = states.get(name);
      return {
        provider,
        name,
        state: stateOf(state, now),
        cooldownUntil: state && state.cooldownUntil > now ? new Date(state.cooldownUntil) : null,
        disabledReason: state?.disabled ? state.disabledReason : null,
        lastUsedAt: state?.lastUsedAt ? new Date(state.lastUsedAt) : null,
        lastHour: stats.get(name)?.lastHour ?? EMPTY,
        lastDay: stats.get(name)?.lastDay ?? EMPTY,
      };
    });
  }

  /** One grouped query over the last day, using the (keyRef, createdAt) index. */
  private async stats(names: string[], now: number): Promise<Map<string, { lastHour: HostedKeyWindowStats; lastDay: HostedKeyWindowStats }>> {
    const hourAgo = new Date(now - HOUR_MS);
    const dayAgo = new Date(now - DAY_MS);
    const rows = await this.prisma.$queryRaw<Record<string, unknown>[]>`
      SELECT "keyRef",
        (count(*) FILTER (WHERE "createdAt" >= ${hourAgo}))::bigint AS "hourRequests",
        (count(*) FILTER (WHERE "createdAt" >= ${hourAgo} AND "status" = 'FAILED'))::bigint AS "hourFailures",
        coalesce(sum("billedCostUsd") FILTER (WHERE "createdAt" >= ${hourAgo}), 0)::text AS "hourBilled",
        count(*)::bigint AS "dayRequests",
        (count(*) FILTER (WHERE "status" = 'FAILED'))::bigint AS "dayFailures",
        coalesce(sum("billedCostUsd"), 0)::text AS "dayBilled"
      FROM "UsageRecord"
      WHERE "keyRef" IN (${Prisma.join(names)}) AND "createdAt" >= ${dayAgo} AND "keySource" = 'hosted'
      GROUP BY "keyRef"`;
    return new Map(
      rows.map((row) => [
        String(row.keyRef),
        {
          lastHour: { requests: Number(row.hourRequests), failures: Number(row.hourFailures), billedCostUsd: String(row.hourBilled) },
          lastDay: { requests: Number(row.dayRequests), failures: Number(row.dayFailures), billedCostUsd: String(row.dayBilled) },
        },
      ]),
    );
  }
}

function stateOf(state: KeyState | undefined, now: number): HostedKeyState {
  if (state?.disabled) return 'DISABLED';
  if (state && state.cooldownUntil > now) return 'COOLING_DOWN';
  return 'AVAILABLE';
}
