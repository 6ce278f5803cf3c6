import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger.js';
import { KeyStateCache } from './key-state-cache.js';
import { MemoryStateStore } from './memory-state.js';
import { AVAILABLE, type KeyState, type LimiterOptions, type RateLimitVerdict, type StateStore } from './state-store.js';
import { type WindowGrant, WindowLeases } from './window-leases.js';

/**
 * A token bucket in one atomic step on the Redis clock, so every instance takes from the same
 * bucket: refill by elapsed time, then take a token if one is there.
 * KEYS[1] bucket; ARGV[1] capacity, ARGV[2] refill per ms. Returns {allowed, retryAfterMs}.
 */
const TAKE_TOKEN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return {allowed, wait}`;

/**
 * Up to ARGV[3] points from a fixed window of ARGV[1] points that starts with its first point
 * and lasts ARGV[2] ms, in one atomic step: never past the limit.
 * KEYS[1] counter. Returns {granted, windowLeftMs}.
 */
const TAKE_FROM_WINDOW = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
local take = math.max(0, math.min(tonumber(ARGV[3]), tonumber(ARGV[1]) - used))
if take > 0 then redis.call('INCRBY', KEYS[1], take) end
if ttl < 0 then
  ttl = tonumber(ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {take, ttl}`;

/**
 * State shared by every instance through Redis. If Redis is unreachable the store fails
 * open: each instance carries on with its own in-memory state (limits per instance,
 * cooldowns it saw itself) and logs it, rather than refusing traffic. Money is not at
 * stake here — credits and budgets are reserved in the database.
 */
export class RedisStateStore implements StateStore {
  private readonly redis: Redis;
  private readonly fallback = new MemoryStateStore();
  /** Second connection: subscribed to the announcements of key state changes. */
  private readonly subscriber: Redis;
  private readonly keyCache: KeyStateCache;
  private readonly changesChannel: string;
  private readonly windowLeases = new WindowLeases((bucket, perMinute, want) => this.takeFromWindow(bucket, perMinute, want));
  private lastWarning = 0;

  constructor(
    url: string,
    private readonly logger: Logger,
    /** Namespace for every key, so several deployments (or test runs) can share one Redis. */
    private readonly prefix = 'keyplane:',
    /** The longest a cached key state is kept, should an announcement of a change be lost. */
    keyCacheTtlMs = 1_000,
  ) {
    this.redis = new Redis(url, {
      // Fail commands fast while disconnected instead of queueing requests behind them.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      connectTimeout: 2_000,
      lazyConnect: false,
    });
    this.redis.on('error', (error) => this.warn(error));
    this.redis.defineCommand('keyplaneTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
    this.redis.defineCommand('keyplaneTakeFromWindow', { numberOfKeys: 1, lua: TAKE_FROM_WINDOW });

    this.keyCache = new KeyStateCache(keyCacheTtlMs);
    this.changesChannel = `${prefix}key-state-changed`;
    // Subscribed below on every 'ready', with a handler. ioredis's own resubscription after a
    // reconnect has none: closed while in flight, it would be an unhandled rejection.
    this.subscriber = this.redis.duplicate({ autoResubscribe: false });
    this.subscriber.on('error', (error) => this.warn(error));
    this.subscriber.on('message', (_channel: string, name: string) => this.keyCache.changed(name));
    // Cache only while subscribed: a change announced while the connection was down is missed.
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.changesChannel).then(
        () => this.keyCache.start(),
        (error: unknown) => this.warn(error),
      );
    });
    this.subscriber.on('close', () => this.keyCache.stop());
  }

  async keyStates(names: readonly string[]): Promise<Map<string, KeyState>> {
    if (names.length === 0) return new Map();
    return this.guard(
      async () => {
        const pipeline = this.redis.pipeline();
        for (const name of names) pipeline.hgetall(`${this.prefix}key:${name}`);
        const results = (await pipeline.exec()) ?? [];
        return new Map(
          names.map((name, index) => {
            const [error, fields] = results[index] ?? [null, {}];
            if (error) throw error;
            return [name, parseKeyState(fields as Record<string, string>)];
          }),
        );
      },
      () => this.fallback.keyStates(names),
    );
  }

  cachedKeyStates(names: readonly string[]): Promise<Map<string, KeyState>> {
    return this.keyCache.states(names, (missing) => this.keyStates(missing));
  }

  async setCooldown(name: string, untilMs: number): Promise<void> {
    await this.fallback.setCooldown(name, untilMs);
    await this.change(name, { cooldownUntil: String(untilMs) });
  }

  async setDisabled(name: string, disabled: boolean, reason: string | null): Promise<void> {
    await this.fallback.setDisabled(name, disabled, reason);
    await this.change(
      name,
      disabled ? { disabled: '1', disabledReason: reason ?? '' } : { disabled: '0', disabledReason: '', cooldownUntil: '0' },
    );
  }

  /** Write a key's state and announce it, so every instance drops what it cached of it before reading again. */
  private async change(name: string, fields: Record<string, string>): Promise<void> {
    this.keyCache.changed(name);
    await this.guard(
      async () => {
        const results =
          (await this.redis.pipeline().hset(`${this.prefix}key:${name}`, fields).publish(this.changesChannel, name).exec()) ?? [];
        for (const [error] of results) if (error) throw error;
      },
      async () => {},
    );
  }

  async markUsed(name: string, atMs: number): Promise<void> {
    await this.fallback.markUsed(name, atMs);
    this.keyCache.used(name, atMs);
    await this.guard(
      async () => void (await this.redis.hset(`${this.prefix}key:${name}`, 'lastUsedAt', String(atMs))),
      async () => {},
    );
  }

  consumeWindow(bucket: string, perMinute: number): Promise<RateLimitVerdict> {
    return this.guard(
      () => this.windowLeases.consume(bucket, perMinute),
      () => this.fallback.consumeWindow(bucket, perMinute),
    );
  }

  async takeToken(bucket: string, perMinute: number): Promise<RateLimitVerdict> {
    return this.guard(
      async () => {
        const [allowed, wait] = await this.script('keyplaneTakeToken', `${this.prefix}bucket:${bucket}`, perMinute, perMinute / 60_000);
        return { allowed: allowed === 1, retryAfterMs: Number(wait) };
      },
      () => this.fallback.takeToken(bucket, perMinute),
    );
  }

  private async takeFromWindow(bucket: string, perMinute: number, want: number): Promise<WindowGrant> {
    const [granted, windowLeftMs] = await this.script(
      'keyplaneTakeFromWindow',
      `${this.prefix}window${perMinute}:${bucket}`,
      perMinute,
      60_000,
      want,
    );
    return { granted: Number(granted), windowLeftMs: Number(windowLeftMs) };
  }

  /** One of the Lua scripts defined in the constructor, on one key; each answers two numbers. */
  private script(name: 'keyplaneTakeToken' | 'keyplaneTakeFromWindow', key: string, ...args: number[]): Promise<[number, number]> {
    const command = (this.redis as unknown as Record<typeof name, (key: string, ...args: number[]) => Promise<[number, number]>>)[name];
    return command.call(this.redis, key, ...args);
  }

  limiter(options: LimiterOptions): RateLimiterRedis {
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.prefix}${options.name}`,
      points: options.points,
      duration: options.durationSeconds,
      rejectIfRedisNotReady: true,
      // Redis down: count per instance rather than refuse every sign-in.
      insuranceLimiter: this.fallback.limiter(options),
    });
  }

  async ready(timeoutMs = 3_000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        this.warn(new Error(`Redis not ready after ${timeoutMs} ms`));
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async guard<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      return await primary();
    } catch (error) {
      this.warn(error);
      return fallback();
    }
  }

  /** At most one warning every 10 s while Redis is down. */
  private warn(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn({ err: error }, 'Redis unavailable; using per-instance state until it returns');
  }
}

function parseKeyState(fields: Record<string, string>): KeyState {
  if (!fields || Object.keys(fields).length === 0) return AVAILABLE;
  return {
    cooldownUntil: Number(fields.cooldownUntil ?? 0),
    disabled: fields.disabled === '1',
    disabledReason: fields.disabledReason || null,
    lastUsedAt: Number(fields.lastUsedAt ?? 0),
  };
}
