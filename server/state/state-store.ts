import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * State the gateway shares between requests: key cooldowns, disabled keys, least-recently-used
 * cursors and rate limits. In one process it lives in memory; with REDIS_URL every instance
 * shares it. Keys are names (env variable names, provider key ids), never secrets.
 */
export interface KeyState {
  /** Epoch ms until which the key must not be used (0: available). */
  cooldownUntil: number;
  disabled: boolean;
  disabledReason: string | null;
  lastUsedAt: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** When refused: how long until a request would be allowed. */
  retryAfterMs: number;
}

export interface StateStore {
  keyStates(names: readonly string[]): Promise<Map<string, KeyState>>;
  /**
   * The same, for the request path, where a read per request would cost a round trip: may come
   * from what this instance read lately. Cooldowns and disables any instance sets through
   * the store are seen at once (they are announced); other instances' `lastUsedAt` may lag by
   * up to a second, so least-recently-used choices read `keyStates`.
   */
  cachedKeyStates(names: readonly string[]): Promise<Map<string, KeyState>>;
  setCooldown(name: string, untilMs: number): Promise<void>;
  setDisabled(name: string, disabled: boolean, reason: string | null): Promise<void>;
  markUsed(name: string, atMs: number): Promise<void>;
  /** Count one request against a hard limit of `perMinute` per fixed minute window. */
  consumeWindow(bucket: string, perMinute: number): Promise<RateLimitVerdict>;
  /** Take one token from a bucket holding `perMinute` tokens, refilled continuously at `perMinute`/60 s. */
  takeToken(bucket: string, perMinute: number): Promise<RateLimitVerdict>;
  /**
   * A named rate-limiter-flexible limiter kept where this store keeps its state, so counters
   * such as failed sign-ins are shared by every instance when REDIS_URL is set.
   */
  limiter(options: LimiterOptions): RateLimiterAbstract;
  /** Resolves once the store is usable (connected), or after `timeoutMs` if it is not. */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface LimiterOptions {
  name: string;
  points: number;
  durationSeconds: number;
}

export const AVAILABLE: KeyState = Object.freeze({ cooldownUntil: 0, disabled: false, disabledReason: null, lastUsedAt: 0 });
