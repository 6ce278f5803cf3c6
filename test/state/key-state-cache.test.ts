import { describe, expect, it } from 'vitest';
import { KeyStateCache } from '../../server/state/key-state-cache.js';
import { AVAILABLE, type KeyState } from '../../server/state/state-store.js';

function store() {
  const states = new Map<string, KeyState>();
  const reads: string[][] = [];
  return {
    states,
    reads,
    read: async (names: readonly string[]) => {
      reads.push([...names]);
      const snapshot = new Map(names.map((name) => [name, states.get(name) ?? AVAILABLE]));
      await new Promise((resolve) => setTimeout(resolve, 2));
      return snapshot;
    },
  };
}

describe('key state cache', () => {
  it('reads through until started, then only what it has not cached', async () => {
    const s = store();
    const cache = new KeyStateCache(60_000);
    await cache.states(['A'], s.read);
    await cache.states(['A'], s.read);
    expect(s.reads).toEqual([['A'], ['A']]);
    cache.start();
    await cache.states(['A', 'B'], s.read);
    await cache.states(['A', 'B'], s.read);
    expect(s.reads.slice(2)).toEqual([['A', 'B']]);
  });

  it('drops an entry on a change, and everything when stopped', async () => {
    const s = store();
    const cache = new KeyStateCache(60_000);
    cache.start();
    await cache.states(['A', 'B'], s.read);
    s.states.set('A', { ...AVAILABLE, cooldownUntil: 9 });
    cache.changed('A');
    expect((await cache.states(['A', 'B'], s.read)).get('A')?.cooldownUntil).toBe(9);
    expect(s.reads.at(-1)).toEqual(['A']);
    cache.stop();
    await cache.states(['B'], s.read);
    await cache.states(['B'], s.read);
    expect(s.reads.slice(-2)).toEqual([['B'], ['B']]);
  });

  it('does not keep a read that was in flight when a change arrived', async () => {
    const s = store();
    const cache = new KeyStateCache(60_000);
    cache.start();
    const stale = cache.states(['A'], s.read);
    s.states.set('A', { ...AVAILABLE, disabled: true });
    cache.changed('A');
    expect((await stale).get('A')?.disabled).toBe(false);
    expect((await cache.states(['A'], s.read)).get('A')?.disabled).toBe(true);
  });

  it('keeps an entry no longer than its time to live', async () => {
    const { s, cache } = await cacheHoldingA(30);
    s.states.set('A', { ...AVAILABLE, cooldownUntil: 1 });
    expect((await cache.states(['A'], s.read)).get('A')?.cooldownUntil).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await cache.states(['A'], s.read)).get('A')?.cooldownUntil).toBe(1);
  });

  it("records this instance's own use in what it cached", async () => {
    const { s, cache } = await cacheHoldingA(60_000);
    cache.used('A', 42);
    expect((await cache.states(['A'], s.read)).get('A')?.lastUsedAt).toBe(42);
    expect(s.reads).toHaveLength(1);
  });

  it('does not keep an entry alive past its time to live by recording use', async () => {
    const { s, cache } = await cacheHoldingA(40);
    s.states.set('A', { ...AVAILABLE, cooldownUntil: 5 });
    const until = Date.now() + 80;
    while (Date.now() < until) {
      cache.used('A', Date.now());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await cache.states(['A'], s.read)).get('A')?.cooldownUntil).toBe(5);
  });
});

/** A live cache (announcements received) that has read key A's state and kept it. */
async function cacheHoldingA(ttlMs: number) {
  const s = store();
  const cache = new KeyStateCache(ttlMs);
  cache.start();
  await cache.states(['A'], s.read);
  return { s, cache };
}
