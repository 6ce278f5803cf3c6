import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AVAILABLE, type KeyState, type LimiterOptions, type RateLimitVerdict, type StateStore } from './state-store.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** State for a single process (no REDIS_URL). */
export class MemoryStateStore implements StateStore {
  private readonly keys = new Map<string, KeyState>();
  private readonly windows = new Map<number, RateLimiterMemory>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  async keyStates(names: readonly string[]): Promise<Map<string, KeyState>> {
    return new Map(names.map((name) => [name, this.keys.get(name) ?? AVAILABLE]));
  }

  cachedKeyStates(names: readonly string[]): Promise<Map<string, KeyState>> {
    return this.keyStates(names);
  }

  async setCooldown(name: string, untilMs: number): Promise<void> {
    this.update(name, { cooldownUntil: untilMs });
  }

  async setDisabled(name: string, disabled: boolean, reason: string | null): Promise<void> {
    this.update(name, { disabled, disabledReason: disabled ? reason : null, ...(disabled ? {} : { cooldownUntil: 0 }) });
  }

  async markUsed(name: string, atMs: number): Promise<void> {
    this.update(name, { lastUsedAt: atMs });
  }

  async consumeWindow(bucket: string, perMinute: number): Promise<RateLimitVerdict> {
    let limiter = this.windows.get(perMinute);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
      this.windows.set(perMinute, limiter);
    }
    try {
      await limiter.consume(bucket, 1);
      return { allowed: true, retryAfterMs: 0 };
    } catch (result) {
      if (result instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, result.msBeforeNext) };
      throw result;
    }
  }

  async takeToken(bucket: string, perMinute: number): Promise<RateLimitVerdict> {
    const now = this.now();
    const refillPerMs = perMinute / 60_000;
    const state = this.buckets.get(bucket) ?? { tokens: perMinute, updatedAt: now };
    const tokens = Math.min(perMinute, state.tokens + (now - state.updatedAt) * refillPerMs);
    if (tokens >= 1) {
      this.buckets.set(bucket, { tokens: tokens - 1, updatedAt: now });
      return { allowed: true, retryAfterMs: 0 };
    }
    this.buckets.set(bucket, { tokens, updatedAt: now });
    return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / refillPerMs) };
  }

  limiter(options: LimiterOptions): RateLimiterMemory {
    return new RateLimiterMemory({ keyPrefix: options.name, points: options.points, duration: options.durationSeconds });
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private update(name: string, patch: Partial<KeyState>): void {
    this.keys.set(name, { ...(this.keys.get(name) ?? AVAILABLE), ...patch });
  }
}
