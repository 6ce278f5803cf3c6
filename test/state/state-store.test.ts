import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../server/observability/logger.js';
import { MemoryStateStore } from '../../server/state/memory-state.js';
import { RedisStateStore } from '../../server/state/redis-state.js';
import type { StateStore } from '../../server/state/state-store.js';
import { clearRedisPrefix, redisAvailable, uniqueRedisPrefix } from '../support/redis.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { TEST_REDIS_URL } from '../support/test-env.js';

const logger = createLogger({ level: 'silent' });
const hasRedis = await redisAvailable();
const prefixes: string[] = [];
const stores: StateStore[] = [];

function redisStore(prefix = uniqueRedisPrefix()): RedisStateStore {
  prefixes.push(prefix);
  const store = new RedisStateStore(TEST_REDIS_URL, logger, prefix);
  stores.push(store);
  return store;
}

/** Two instances sharing one Redis namespace, both connected. */
async function twoInstances(): Promise<{ prefix: string; one: RedisStateStore; two: RedisStateStore }> {
  const prefix = uniqueRedisPrefix();
  const one = redisStore(prefix);
  const two = redisStore(prefix);
  expect(await one.ready()).toBe(true);
  expect(await two.ready()).toBe(true);
  return { prefix, one, two };
}

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await Promise.all(prefixes.map(clearRedisPrefix));
});

const kinds: [string, () => StateStore][] = [['memory', () => new MemoryStateStore()]];
if (hasRedis) kinds.push(['redis', () => redisStore()]);

describe.each(kinds)('%s state store contract', (_kind, makeStore) => {
  const make = async () => {
    const store = makeStore();
    expect(await store.ready(3_000)).toBe(true);
    return store;
  };

  it('reports unknown keys as available and remembers cooldown, use and disable', async () => {
    const store = await make();
    expect((await store.keyStates(['A'])).get('A')).toEqual({ cooldownUntil: 0, disabled: false, disabledReason: null, lastUsedAt: 0 });
    await store.setCooldown('A', 1234);
    await store.markUsed('A', 99);
    await store.setDisabled('B', true, 'rejected');
    const states = await store.keyStates(['A', 'B']);
    expect(states.get('A')).toMatchObject({ cooldownUntil: 1234, lastUsedAt: 99, disabled: false });
    expect(states.get('B')).toMatchObject({ disabled: true, disabledReason: 'rejected' });
    await store.setDisabled('B', false, null);
    expect((await store.keyStates(['B'])).get('B')).toMatchObject({ disabled: false, disabledReason: null, cooldownUntil: 0 });
  });

  it("shows its own changes at once through the request path's cached reads", async () => {
    const store = await make();
    expect((await store.cachedKeyStates(['C'])).get('C')).toMatchObject({ cooldownUntil: 0, disabled: false });
    await store.setCooldown('C', 777);
    expect((await store.cachedKeyStates(['C'])).get('C')?.cooldownUntil).toBe(777);
    await store.markUsed('C', 55);
    expect((await store.cachedKeyStates(['C'])).get('C')?.lastUsedAt).toBe(55);
    await store.setDisabled('C', true, 'revoked');
    expect((await store.cachedKeyStates(['C'])).get('C')).toMatchObject({ disabled: true, disabledReason: 'revoked' });
  });

  it('enforces a hard per-minute window', async () => {
    const store = await make();
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) verdicts.push(await store.consumeWindow('key-1', 3));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(verdicts[3]?.retryAfterMs).toBeGreaterThan(0);
    expect((await store.consumeWindow('key-2', 3)).allowed).toBe(true);
  });

  it('refuses past the bucket and tells how long until a token refills', async () => {
    const store = await make();
    const results = [];
    for (let i = 0; i < 61; i += 1) results.push(await store.takeToken('org-1', 60));
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
    const refused = results[60];
    expect(refused?.allowed).toBe(false);
    // 60 per minute refills one token a second.
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(1_000);
  });
});

describe.skipIf(!hasRedis)('redis state shared between instances', () => {
  it('a cooldown and a limit seen by one instance hold on another', async () => {
    const { one, two } = await twoInstances();
    await one.setCooldown('OPENAI_API_KEY_1', 5_000);
    expect((await two.keyStates(['OPENAI_API_KEY_1'])).get('OPENAI_API_KEY_1')?.cooldownUntil).toBe(5_000);
    expect((await one.consumeWindow('gk', 2)).allowed).toBe(true);
    expect((await two.consumeWindow('gk', 2)).allowed).toBe(true);
    expect((await one.consumeWindow('gk', 2)).allowed).toBe(false);
    expect((await two.takeToken('bucket', 1)).allowed).toBe(true);
    expect((await one.takeToken('bucket', 1)).allowed).toBe(false);
  });

  it('caches key states for the request path, and drops them the moment another instance changes one', async () => {
    // Key states are cached for at most a second (the default).
    const { prefix, one, two } = await twoInstances();
    const raw = new Redis(TEST_REDIS_URL);
    try {
      // Caching starts once the subscription is up.
      const cached = async () => (await two.cachedKeyStates(['K'])).get('K');
      const until = async (check: () => Promise<boolean>, withinMs: number) => {
        const started = Date.now();
        while (!(await check())) {
          if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return Date.now() - started;
      };
      await until(async () => {
        await raw.hset(`${prefix}key:K`, 'lastUsedAt', '1');
        await cached();
        await raw.hset(`${prefix}key:K`, 'lastUsedAt', '2');
        return (await cached())?.lastUsedAt === 1;
      }, 2_000);

      // A change behind the store's back (not announced) is not seen until the entry expires…
      await raw.hset(`${prefix}key:K`, 'cooldownUntil', '123');
      expect((await cached())?.cooldownUntil).toBe(0);
      expect((await two.keyStates(['K'])).get('K')?.cooldownUntil).toBe(123);
      expect(await until(async () => (await cached())?.cooldownUntil === 123, 2_000)).toBeGreaterThan(100);

      // …while one made through another instance is announced and seen at once.
      // (just cached, so expiry would take a second)
      await one.setCooldown('K', 5_000);
      expect(await until(async () => (await cached())?.cooldownUntil === 5_000, 300)).toBeLessThan(300);
      await one.setDisabled('K', true, 'rejected');
      expect(await until(async () => (await cached())?.disabled === true, 300)).toBeLessThan(300);
    } finally {
      raw.disconnect();
    }
  });

  it('holds a high rpm limit across instances with a trip to Redis per lease, never past the limit', async () => {
    const { prefix, one, two } = await twoInstances();
    const counter = new Redis(TEST_REDIS_URL);
    try {
      // 50 requests at once on one instance share one trip: one lease of 100 points is taken.
      const first = await Promise.all(Array.from({ length: 50 }, () => one.consumeWindow('busy', 20_000)));
      expect(first.every((v) => v.allowed)).toBe(true);
      expect(await counter.get(`${prefix}window20000:busy`)).toBe('100');
      const ttl = await counter.pttl(`${prefix}window20000:busy`);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);

      // Two instances together, at a limit of 1,000 (leases of 5): Redis never counts past it.
      let allowed = 0;
      for (let i = 0; i < 1_100; i += 1) if ((await (i % 2 ? one : two).consumeWindow('shared', 1_000)).allowed) allowed += 1;
      expect(await counter.get(`${prefix}window1000:shared`)).toBe('1000');
      expect(allowed).toBeLessThanOrEqual(1_000);
      expect(allowed).toBeGreaterThan(990);
      const refused = await two.consumeWindow('shared', 1_000);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    } finally {
      counter.disconnect();
    }
  });

  it('fails open to per-instance state when Redis is unreachable, without throwing', async () => {
    const down = new RedisStateStore('redis://127.0.0.1:1', logger, uniqueRedisPrefix());
    stores.push(down);
    expect(await down.ready(300)).toBe(false);
    await down.setCooldown('K', 42);
    expect((await down.keyStates(['K'])).get('K')?.cooldownUntil).toBe(42);
    expect((await down.consumeWindow('w', 1)).allowed).toBe(true);
    expect((await down.consumeWindow('w', 1)).allowed).toBe(false);
    expect((await down.takeToken('t', 1)).allowed).toBe(true);
  });
});

describe.skipIf(!hasRedis)('redis state store across a lost connection', () => {
  it('subscribes again when Redis returns, and a close mid-resubscription leaves no unhandled rejection', async () => {
    const proxy = await startTcpProxy('127.0.0.1', 6379);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const prefix = uniqueRedisPrefix();
      prefixes.push(prefix);
      const viaProxy = () => new RedisStateStore(`redis://127.0.0.1:${proxy.port}`, logger, prefix);
      const [reader, doomed] = [viaProxy(), viaProxy()];
      const writer = redisStore(prefix);
      stores.push(reader, doomed);
      for (const store of [reader, doomed, writer]) expect(await store.ready()).toBe(true);
      // A store caches key states only while subscribed: a use recorded elsewhere (never
      // announced) is then not seen by a cached read.
      let uses = 0;
      const cached = async (store: RedisStateStore) => (await store.cachedKeyStates(['K'])).get('K');
      const subscribed = (store: RedisStateStore) =>
        vi.waitFor(async () => {
          await writer.markUsed('K', ++uses);
          await cached(store);
          await writer.markUsed('K', ++uses);
          expect((await cached(store))?.lastUsedAt).toBeLessThan(uses);
        });
      await subscribed(reader);
      await subscribed(doomed);
      // The subscriber connection is internal; its 'ready' is the moment a resubscription is in flight.
      const subscriberReady = (store: RedisStateStore, then: () => unknown = () => {}) =>
        new Promise<void>((resolve) =>
          (store as unknown as { subscriber: Redis }).subscriber.once('ready', () => {
            then();
            resolve();
          }),
        );
      const back = Promise.all([subscriberReady(reader), subscriberReady(doomed, () => doomed.close())]);
      proxy.cut();
      proxy.restore();
      await back;

      // Announcements reach the reconnected instance again: a change made elsewhere is seen at once.
      await subscribed(reader);
      await writer.setCooldown('K', 42);
      await vi.waitFor(async () => expect((await cached(reader))?.cooldownUntil).toBe(42), { timeout: 300 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await proxy.close();
    }
  });
});
