import type { LimiterSetting } from '../../domain/provider-settings/limiter-setting.js';
import { keyStatus } from '../../state/key-state-names.js';
import type { StateStore } from '../../state/state-store.js';
import type { PlatformKey, PlatformKeys } from './platform-keys.js';

export type Acquired =
  | { ok: true; key: PlatformKey; waitedMs: number }
  | { ok: false; reason: 'empty' | 'unavailable' | 'organization_limit' | 'queue_timeout'; retryAfterMs: number | null };

interface Waiter {
  deadline: number;
  exclude: ReadonlySet<string>;
  settle: (result: Acquired) => void;
}

/**
 * The hosted key pool: least recently used among keys that are neither cooling down nor
 * disabled, with the limiter mode an operator chose for the provider.
 */
export class HostedKeyPool {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly pumping = new Set<string>();

  constructor(
    private readonly keys: PlatformKeys,
    private readonly state: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  hasKeys(provider: string): boolean {
    return this.keys.pool(provider).length > 0;
  }

  /** Whether some key could serve now, and if not, when one will (for routing's health filter). */
  async availability(provider: string): Promise<{ available: boolean; retryAfterMs: number | null }> {
    const pool = this.keys.pool(provider);
    const states = await this.state.cachedKeyStates(pool.map((key) => key.name));
    const now = this.now();
    let soonest: number | null = null;
    for (const key of pool) {
      const state = states.get(key.name);
      const status = keyStatus(state, now);
      if (status === 'AVAILABLE') return { available: true, retryAfterMs: null };
      if (status === 'COOLING_DOWN' && state) soonest = earliest(soonest, state.cooldownUntil - now);
    }
    return { available: false, retryAfterMs: soonest };
  }

  /** A key for one attempt, honouring the provider's limiter mode. */
  async acquire(
    provider: string,
    organizationId: string,
    limiter: LimiterSetting,
    exclude: ReadonlySet<string> = new Set(),
  ): Promise<Acquired> {
    if (!this.hasKeys(provider)) return { ok: false, reason: 'empty', retryAfterMs: null };
    if (limiter.mode === 'PER_ORGANIZATION' && limiter.requestsPerMinute) {
      const verdict = await this.state.takeToken(`org-hosted:${organizationId}:${provider}`, limiter.requestsPerMinute);
      if (!verdict.allowed) return { ok: false, reason: 'organization_limit', retryAfterMs: verdict.retryAfterMs };
    }
    if (limiter.mode !== 'QUEUE') {
      const picked = await this.pick(provider, exclude, null);
      return picked.key
        ? { ok: true, key: picked.key, waitedMs: 0 }
        : { ok: false, reason: 'unavailable', retryAfterMs: picked.retryAfterMs };
    }
    const started = this.now();
    return new Promise<Acquired>((settle) => {
      const queue = this.queues.get(provider) ?? [];
      this.queues.set(provider, queue);
      queue.push({
        deadline: started + limiter.queueTimeoutMs,
        exclude,
        settle: (result) => settle(result.ok ? { ...result, waitedMs: this.now() - started } : result),
      });
      void this.pump(provider, limiter.requestsPerMinute);
    });
  }

  /** Serve queued requests first come, first served; only the head of the queue polls. */
  private async pump(provider: string, perKeyRpm: number | null): Promise<void> {
    if (this.pumping.has(provider)) return;
    this.pumping.add(provider);
    const queue = this.queues.get(provider) as Waiter[];
    try {
      while (queue.length > 0) {
        const head = queue[0] as Waiter;
        const picked = await this.pick(provider, head.exclude, perKeyRpm);
        if (picked.key) {
          queue.shift();
          head.settle({ ok: true, key: picked.key, waitedMs: 0 });
          continue;
        }
        const left = head.deadline - this.now();
        if (left <= 0) {
          queue.shift();
          head.settle({ ok: false, reason: 'queue_timeout', retryAfterMs: picked.retryAfterMs });
          continue;
        }
        await sleep(Math.max(5, Math.min(left, picked.retryAfterMs ?? 50, 250)));
      }
    } finally {
      this.pumping.delete(provider);
    }
  }

  private async pick(
    provider: string,
    exclude: ReadonlySet<string>,
    perKeyRpm: number | null,
  ): Promise<{ key: PlatformKey | null; retryAfterMs: number | null }> {
    const pool = this.keys.pool(provider).filter((key) => !exclude.has(key.name));
    const states = await this.state.keyStates(pool.map((key) => key.name));
    const now = this.now();
    let soonest: number | null = null;
    const ready = pool
      .filter((key) => {
        const state = states.get(key.name);
        const status = keyStatus(state, now);
        if (status === 'COOLING_DOWN' && state) soonest = earliest(soonest, state.cooldownUntil - now);
        return status === 'AVAILABLE';
      })
      .sort((a, b) => (states.get(a.name)?.lastUsedAt ?? 0) - (states.get(b.name)?.lastUsedAt ?? 0));
    for (const key of ready) {
      if (perKeyRpm) {
        const verdict = await this.state.consumeWindow(`hosted-key:${key.name}`, perKeyRpm);
        if (!verdict.allowed) {
          soonest = earliest(soonest, verdict.retryAfterMs);
          continue;
        }
      }
      await this.state.markUsed(key.name, now);
      return { key, retryAfterMs: null };
    }
    return { key: null, retryAfterMs: soonest };
  }
}

const earliest = (soonest: number | null, ms: number) => (soonest === null ? ms : Math.min(soonest, ms));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
