/** The hosted key pool, shaped for the pool page. */
import type { HostedKeyPoolQuery } from '../../../graphql/generated.js';

export type PoolProvider = HostedKeyPoolQuery['hostedKeyPool'][number];
export type PoolKey = PoolProvider['keys'][number];
export type UnconfiguredKey = PoolProvider['unconfiguredKeys'][number];

export interface PoolSummary {
  provider: string;
  total: number;
  available: number;
  coolingDown: number;
  disabled: number;
  /** Key names with recent traffic that this process is not configured with */
  unconfigured: number;
  /** "2 of 3 available", or "not configured here" when the process has none */
  headline: string;
  detail: string;
}

export function poolSummary(pool: readonly PoolProvider[]): PoolSummary[] {
  return pool
    .map((p) => {
      const total = p.keys.length;
      const available = p.keys.filter((k) => k.state === 'AVAILABLE').length;
      const coolingDown = p.keys.filter((k) => k.state === 'COOLING_DOWN').length;
      const disabled = p.keys.filter((k) => k.state === 'DISABLED').length;
      const unconfigured = p.unconfiguredKeys.length;
      const seen = unconfigured ? `${unconfigured} more in usage, not configured here` : '';
      return {
        provider: p.provider,
        total,
        available,
        coolingDown,
        disabled,
        unconfigured,
        headline: total ? `${available} of ${total} available` : 'none configured',
        detail: total
          ? [`${coolingDown} cooling down · ${disabled} disabled`, seen].filter(Boolean).join(' · ')
          : seen || 'no keys in usage either',
      };
    })
    .sort((a, b) => a.provider.localeCompare(b.provider));
}

/** Providers that only usage knows of keys for: the page says so instead of "0/0 available". */
export function unconfiguredTotal(pool: readonly PoolProvider[]): number {
  return pool.reduce((sum, p) => sum + p.unconfiguredKeys.length, 0);
}

/** "2m 05s left" for a cooldown; null when over or absent. */
export function cooldownRemaining(until: string | null, now: Date): string | null {
  if (!until) return null;
  const ms = new Date(until).getTime() - now.getTime();
  if (!(ms > 0)) return null;
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes >= 60) return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m left`;
  return minutes ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s left` : `${seconds}s left`;
}

/** The action a key offers: re-enable when resting or disabled, take out of rotation otherwise. */
export function keyAction(key: Pick<PoolKey, 'state'>): { enabled: boolean; label: string } {
  return key.state === 'AVAILABLE' ? { enabled: false, label: 'Disable' } : { enabled: true, label: 'Re-enable' };
}
