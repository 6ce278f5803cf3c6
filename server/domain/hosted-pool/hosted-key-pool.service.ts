import type { PrismaClient } from '../../db/database.js';
import { type LimiterMode, Prisma } from '../../db/generated/client.js';
import { type KeyStatus, keyStatusView, returnToService } from '../../state/key-state-names.js';
import type { StateStore } from '../../state/state-store.js';
import { type Actor, requireOperator } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { notFound } from '../errors.js';
import { DEFAULT_LIMITER } from '../provider-settings/limiter-setting.js';
import type { ProviderSettingService } from '../provider-settings/provider-setting.service.js';
import { resolveScope } from '../usage/usage-filter.js';
import { queryUsageGroups } from '../usage/usage-report-query.js';

export type HostedKeyState = KeyStatus;

/** `hosted`: a pool key `<P>_API_KEY_n`; `env`: the legacy single `<P>_API_KEY`. */
export type PlatformKeySource = 'hosted' | 'env';

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
  source: PlatformKeySource;
  state: HostedKeyState;
  cooldownUntil: Date | null;
  disabledReason: string | null;
  lastUsedAt: Date | null;
  lastHour: HostedKeyWindowStats;
  lastDay: HostedKeyWindowStats;
}

/**
 * A platform key name that served traffic recently but is not configured in this process: the
 * data came from elsewhere (another instance's environment, `seed-demo` without a pool, a key
 * since removed). It has no state here, so it is listed apart rather than counted in the pool.
 */
export interface UnconfiguredKeyView {
  provider: string;
  name: string;
  source: PlatformKeySource;
  /** Requests it served in the window. */
  requests: number;
}

export interface HostedProviderPool {
  provider: string;
  keys: HostedKeyView[];
  /** Keys seen in the last UNCONFIGURED_WINDOW_DAYS of usage that this process does not have. */
  unconfiguredKeys: UnconfiguredKeyView[];
}

export const UNCONFIGURED_WINDOW_DAYS = 30;

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
    private readonly envKeyNames: ReadonlyMap<string, string>,
    private readonly providerSettings: ProviderSettingService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every provider with its platform keys (possibly none), pool keys first, then the env key. */
  async pool(actor: Actor): Promise<HostedProviderPool[]> {
    requireOperator(actor);
    const configured = this.platformKeys();
    const [keys, unconfigured] = await Promise.all([
      this.views(configured),
      this.unconfigured(
        actor,
        configured.map((key) => key.name),
      ),
    ]);
    const providers = [...new Set([...this.hostedKeyNames.keys(), ...unconfigured.map((key) => key.provider)])];
    return providers.map((provider) => ({
      provider,
      keys: keys.filter((key) => key.provider === provider),
      unconfiguredKeys: unconfigured.filter((key) => key.provider === provider),
    }));
  }

  /**
   * Platform key names in recent usage that are not among `configured`, busiest first. Read
   * like any usage report (rollups plus the raw records not rolled up yet), so it stays cheap.
   */
  private async unconfigured(actor: Actor, configured: string[]): Promise<UnconfiguredKeyView[]> {
    const now = new Date(this.now());
    const scope = resolveScope(actor, { from: new Date(now.getTime() - UNCONFIGURED_WINDOW_DAYS * DAY_MS), to: now }, now);
    const rows = await queryUsageGroups(this.prisma, scope, ['PROVIDER', 'PROVIDER_KEY', 'KEY_SOURCE'], 'DAY', {
      rollups: true,
      histograms: { latency: false, ttft: false },
      limit: 10_000,
    });
    const known = new Set(configured);
    return rows
      .filter(
        (row) => (row.keySource === 'hosted' || row.keySource === 'env') && row.provider && row.keyRef && !known.has(String(row.keyRef)),
      )
      .map((row) => ({
        provider: String(row.provider),
        name: String(row.keyRef),
        source: row.keySource as PlatformKeySource,
        requests: Number(row.requests),
      }))
      .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
  }

  /** Re-enable a pool or env key (clearing its cooldown too) or take it out of rotation. */
  async setEnabled(actor: Actor, name: string, enabled: boolean): Promise<HostedKeyView> {
    requireOperator(actor);
    const key = this.platformKeys().find((candidate) => candidate.name === name);
    if (!key) throw notFound('Hosted key');
    const { provider } = key;
    if (enabled) {
      await returnToService(this.state, name);
    } else {
      await this.state.setDisabled(name, true, DISABLED_BY_OPERATOR);
    }
    await this.audit.record(this.prisma, actor, {
      organizationId: null,
      action: enabled ? 'hosted-key.enable' : 'hosted-key.disable',
      targetType: 'HostedKey',
      targetId: name,
      details: { provider, name, source: key.source, enabled },
    });
    const [view] = await this.views([key]);
    return view as HostedKeyView;
  }

  /** The platform's keys by name, in provider order: the pool, then the legacy env key. */
  private platformKeys(): { provider: string; name: string; source: PlatformKeySource }[] {
    return [...this.hostedKeyNames].flatMap(([provider, names]) => {
      const env = this.envKeyNames.get(provider);
      return [
        ...names.map((name) => ({ provider, name, source: 'hosted' as const })),
        ...(env ? [{ provider, name: env, source: 'env' as const }] : []),
      ];
    });
  }

  /** Limiter settings for every provider with a hosted pool entry, defaults where none was set. */
  async settings(actor: Actor): Promise<ProviderSettingView[]> {
    requireOperator(actor);
    const rows = new Map((await this.providerSettings.all()).map((row) => [row.provider, row]));
    const providers = [...new Set([...this.hostedKeyNames.keys(), ...rows.keys()])];
    return providers.map(
      (provider) =>
        rows.get(provider) ?? {
          provider,
          limiterMode: DEFAULT_LIMITER.mode,
          requestsPerMinute: DEFAULT_LIMITER.requestsPerMinute,
          queueTimeoutMs: null,
          updatedAt: null,
        },
    );
  }

  private async views(keys: { provider: string; name: string; source: PlatformKeySource }[]): Promise<HostedKeyView[]> {
    if (keys.length === 0) return [];
    const now = this.now();
    const names = keys.map((key) => key.name);
    const [states, stats] = await Promise.all([this.state.keyStates(names), this.stats(names, now)]);
    return keys.map(({ provider, name, source }) => {
      const state = states.get(name);
      const { status, cooldownUntil, disabledReason } = keyStatusView(state, now);
      return {
        provider,
        name,
        source,
        state: status,
        cooldownUntil,
        disabledReason,
        lastUsedAt: state?.lastUsedAt ? new Date(state.lastUsedAt) : null,
        lastHour: stats.get(name)?.lastHour ?? EMPTY,
        lastDay: stats.get(name)?.lastDay ?? EMPTY,
      };
    });
  }

  /** One grouped query over the last day, using the (keyRef, createdAt) index. */
  private async stats(
    names: string[],
    now: number,
  ): Promise<Map<string, { lastHour: HostedKeyWindowStats; lastDay: HostedKeyWindowStats }>> {
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
      WHERE "keyRef" IN (${Prisma.join(names)}) AND "createdAt" >= ${dayAgo} AND "keySource" IN ('hosted', 'env')
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
