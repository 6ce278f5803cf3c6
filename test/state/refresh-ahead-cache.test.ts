import { describe, expect, it } from 'vitest';
import { type ConfigChangeListener, type ConfigChanges, EVERYTHING } from '../../server/db/config-changes.js';
import { ANNOUNCED_CACHE, REQUEST_PATH_CACHE, RefreshAheadCache, SAFETY_NET_RELOADS } from '../../server/state/refresh-ahead-cache.js';

/** A database stand-in whose loads finish only when the test says so, counted. */
function source() {
  let version = 1;
  const pending: (() => void)[] = [];
  return {
    loads: 0,
    change: () => {
      version += 1;
    },
    load(): Promise<number> {
      this.loads += 1;
      const seen = version;
      return new Promise((resolve) => pending.push(() => resolve(seen)));
    },
    finish: async () => {
      for (const done of pending.splice(0)) done();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/**
 * A stale entry holding 1, the database now holding 2 (its second load): every request is
 * answered at once with 1 while one background load runs, and the next one after it gets 2.
 */
async function expectAnsweredWhileReloading(cache: RefreshAheadCache<number>, db: ReturnType<typeof source>) {
  // Not waiting on the database: these resolve although the reload has not finished.
  expect(await Promise.all([cache.get('k'), cache.get('k')])).toEqual([1, 1]);
  expect(db.loads).toBe(2);
  await db.finish();
  expect(await cache.get('k')).toBe(2);
  expect(db.loads).toBe(2);
}

function setup() {
  const clock = { now: 1_000_000 };
  const db = source();
  const cache = new RefreshAheadCache<number>(() => db.load(), { max: 10, freshMs: 500, maxAgeMs: 900, now: () => clock.now });
  return { clock, db, cache };
}

describe('refresh-ahead cache', () => {
  it('loads once for concurrent requests, then serves without loading while fresh', async () => {
    const { clock, db, cache } = setup();
    const first = Promise.all([cache.get('k'), cache.get('k')]);
    await db.finish();
    expect(await first).toEqual([1, 1]);
    clock.now += 499;
    expect(await cache.get('k')).toBe(1);
    expect(db.loads).toBe(1);
  });

  it('past freshMs answers at once with what it has while one background load replaces it', async () => {
    const { clock, db, cache } = setup();
    const first = cache.get('k');
    await db.finish();
    await first;
    db.change();
    clock.now += 600;
    await expectAnsweredWhileReloading(cache, db);
  });

  it('never answers with an entry older than maxAgeMs, counted from when its load started', async () => {
    const { clock, db, cache } = setup();
    const first = cache.get('k');
    clock.now += 100; // a slow load: the entry is 100 ms old when it arrives
    await db.finish();
    await first;
    db.change();
    clock.now += 801; // just over 900 ms since the load began
    let answered = false;
    const next = cache.get('k').then((value) => {
      answered = true;
      return value;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    await db.finish();
    expect(await next).toBe(2);
  });

  it('keeps nothing from a failed load: requests past maxAgeMs see the failure', async () => {
    const clock = { now: 1_000_000 };
    let fail = false;
    const cache = new RefreshAheadCache<number>(
      async () => {
        if (fail) throw new Error('database down');
        return 7;
      },
      { max: 10, freshMs: 500, maxAgeMs: 900, now: () => clock.now },
    );
    expect(await cache.get('k')).toBe(7);
    fail = true;
    clock.now += 600;
    expect(await cache.get('k')).toBe(7); // the background reload fails quietly
    await new Promise((resolve) => setImmediate(resolve));
    clock.now += 301;
    await expect(cache.get('k')).rejects.toThrow('database down');
  });

  it('after clear, a load that was running does not put back what it read before', async () => {
    const { db, cache } = setup();
    const before = cache.get('k');
    cache.clear();
    db.change();
    const after = cache.get('k');
    await db.finish();
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    expect(await cache.get('k')).toBe(2);
    expect(db.loads).toBe(2);
  });

  it('passes the context to the load', async () => {
    const cache = new RefreshAheadCache<string, { name: string }>(async (key, context) => `${key}:${context.name}`, {
      max: 10,
      freshMs: 500,
      maxAgeMs: 900,
    });
    expect(await cache.get('a', { name: 'x' })).toBe('a:x');
  });

  it('keeps at most `max` entries, evicting the least recently loaded', async () => {
    const clock = { now: 1_000_000 };
    const loads: string[] = [];
    const cache = new RefreshAheadCache<string>(
      async (key) => {
        loads.push(key);
        return `${key}@${clock.now}`;
      },
      { max: 2, freshMs: 500, maxAgeMs: 900, now: () => clock.now },
    );
    await cache.get('a');
    clock.now += 10;
    await cache.get('b');
    // 'a' is reloaded (past freshMs), which makes 'b' the least recently loaded.
    clock.now += 600;
    await cache.get('a');
    await new Promise((resolve) => setImmediate(resolve));
    await cache.get('c');
    expect(loads).toEqual(['a', 'b', 'a', 'c']);
    expect(await cache.get('a')).toBe('a@1000610');
    expect(await cache.get('c')).toBe('c@1000610');
    expect(loads).toEqual(['a', 'b', 'a', 'c']);
    await cache.get('b');
    expect(loads).toEqual(['a', 'b', 'a', 'c', 'b']);
  });

  it("keeps entries of no organization apart: a flood of them never evicts an organization's", async () => {
    const db = source();
    const cache = new RefreshAheadCache<number>(() => db.load(), {
      max: 5,
      maxUnowned: 3,
      ...REQUEST_PATH_CACHE,
      organizationOf: (key) => (key.startsWith('org-') ? key : null),
    });
    const load = async (keys: string[]) => {
      const values = Promise.all(keys.map((key) => cache.get(key)));
      await db.finish();
      return values;
    };
    const organizations = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e'];
    await load(organizations);
    // Random keys, each unknown: a hundred of them, a flood's worth for a cache of five.
    await load(Array.from({ length: 100 }, (_, i) => `random-${i}`));
    expect(db.loads).toBe(105);
    // Every organization's entry is still there, answered without a load.
    const kept = Promise.all(organizations.map((key) => cache.get(key)));
    expect(db.loads).toBe(105);
    // The unowned kind keeps its own last three.
    const lastRandom = Promise.all(['random-97', 'random-98', 'random-99'].map((key) => cache.get(key)));
    expect(db.loads).toBe(105);
    const firstRandom = cache.get('random-0');
    expect(db.loads).toBe(106);
    await db.finish();
    expect([await kept, await lastRandom, await firstRandom]).toEqual([[1, 1, 1, 1, 1], [1, 1, 1], 1]);
  });

  describe('while changes are announced', () => {
    /** A change to any table, by these organizations. */
    const organizations = (...ids: string[]) => ({ organizations: new Set(ids), tables: null });
    /** A database stand-in plus a change feed the test drives. */
    function announced(max = 10, organizationOf?: (key: string) => string | null, tables?: readonly string[]) {
      const clock = { now: 1_000_000 };
      const db = source();
      let listener: ConfigChangeListener | undefined;
      const changes: ConfigChanges = {
        subscribe: (subscriber) => {
          listener = subscriber;
        },
        close: async () => {},
      };
      const cache = new RefreshAheadCache<number>(() => db.load(), {
        max,
        freshMs: 500,
        maxAgeMs: 900,
        changes,
        now: () => clock.now,
        ...(organizationOf ? { organizationOf } : {}),
        ...(tables ? { tables } : {}),
      });
      const feed = listener as ConfigChangeListener;
      /** A value loaded (and the load finished). */
      const got = async () => {
        const value = cache.get('k');
        await db.finish();
        return value;
      };
      return { clock, db, cache, feed, got };
    }

    it('keeps an entry past the timed ages without reloading, and reloads at once when a change is announced', async () => {
      const { clock, db, feed, got } = announced();
      feed.live(true);
      expect(await got()).toBe(1);
      clock.now += ANNOUNCED_CACHE.freshMs - 1;
      expect(await got()).toBe(1);
      expect(db.loads).toBe(1);
      db.change();
      feed.changed(EVERYTHING);
      expect(await got()).toBe(2);
      expect(db.loads).toBe(2);
    });

    it('still reloads after ANNOUNCED_CACHE.freshMs (an announcement missed some other way)', async () => {
      const { clock, db, feed, got } = announced();
      feed.live(true);
      await got();
      db.change();
      clock.now += ANNOUNCED_CACHE.freshMs;
      expect(await got()).toBe(1); // served while the background reload runs
      expect(await got()).toBe(2);
    });

    it('answers an entry unused for an hour at once, while one background load replaces it', async () => {
      const { clock, db, cache, feed, got } = announced();
      feed.live(true);
      await got();
      db.change(); // a change no announcement carried (the safety net's case)
      clock.now += 60 * 60_000; // an organization back after a pause is served from what it had
      await expectAnsweredWhileReloading(cache, db);
    });

    it('spaces the safety net: stale entries of many tenants are reloaded SAFETY_NET_RELOADS a second, not all at once', async () => {
      const { clock, db, cache, feed } = announced(100);
      feed.live(true);
      const keys = Array.from({ length: 60 }, (_, i) => `org-${i}`);
      const all = Promise.all(keys.map((key) => cache.get(key)));
      await db.finish();
      await all;
      expect(db.loads).toBe(60);
      db.change(); // unannounced: what the safety net is for
      clock.now += 10 * 60_000; // every organization away ten minutes, then all back at once
      const startedPerSecond: number[] = [];
      for (let second = 0; second < 7; second += 1) {
        const before = db.loads;
        for (let step = 0; step < 100; step += 1) {
          // Every tenant's request is answered from what it had: none waits on the database.
          const answers = await Promise.all(keys.map((key) => cache.get(key)));
          expect(answers.every((value) => value === 1 || value === 2)).toBe(true);
          await db.finish();
          clock.now += 10;
        }
        startedPerSecond.push(db.loads - before);
      }
      // A burst of five, then one every 100 ms: 14 in the first second, 10 in each after, 60 in all.
      expect(startedPerSecond[0]).toBe(SAFETY_NET_RELOADS + 4);
      expect(startedPerSecond[1]).toBe(SAFETY_NET_RELOADS);
      expect(db.loads).toBe(120);
      expect(await Promise.all(keys.map((key) => cache.get(key)))).toEqual(keys.map(() => 2));
    });

    it('drops only the entries of the organization a change names, and those of no organization', async () => {
      // Keys "org/what"; "catalog" is no one organization's.
      const { db, cache, feed } = announced(10, (key) => (key.includes('/') ? (key.split('/')[0] as string) : null));
      feed.live(true);
      const keys = ['a/identity', 'a/flags', 'b/identity', 'b/flags', 'catalog'];
      const first = Promise.all(keys.map((key) => cache.get(key)));
      await db.finish();
      expect(await first).toEqual([1, 1, 1, 1, 1]);
      db.change();
      feed.changed(organizations('a'));
      // Organization b's entries are answered at once, from the cache: no load starts for them.
      expect(await Promise.all([cache.get('b/identity'), cache.get('b/flags')])).toEqual([1, 1]);
      expect(db.loads).toBe(5);
      // a's and the shared entry are read again, and their requests wait for it.
      const again = Promise.all([cache.get('a/identity'), cache.get('a/flags'), cache.get('catalog')]);
      expect(db.loads).toBe(8);
      await db.finish();
      expect(await again).toEqual([2, 2, 2]);
      // Everything, when the change could be anyone's.
      feed.changed(EVERYTHING);
      const all = Promise.all(keys.map((key) => cache.get(key)));
      expect(db.loads).toBe(13);
      await db.finish();
      expect(await all).toEqual([2, 2, 2, 2, 2]);
    });

    it('leaves its entries alone when a change is to a table they are not read from', async () => {
      // The catalog's snapshot: no one organization's, read from the price overrides and aliases.
      const { db, cache, feed } = announced(10, () => null, ['ModelPriceOverride', 'ModelAlias']);
      feed.live(true);
      const first = cache.get('catalog');
      await db.finish();
      expect(await first).toBe(1);
      db.change();
      // Another tenant's gateway key, a flag anyone's: answered from the cache, no load.
      feed.changed({ organizations: new Set(['a']), tables: new Set(['GatewayKey', 'Project']) });
      feed.changed({ organizations: null, tables: new Set(['FeatureFlag']) });
      expect(await cache.get('catalog')).toBe(1);
      expect(db.loads).toBe(1);
      // A change to one of its tables (merged with others), or to a table not named: read again.
      for (const tables of [new Set(['GatewayKey', 'ModelAlias']), null]) {
        feed.changed({ organizations: new Set(['a']), tables });
        const again = cache.get('catalog');
        await db.finish();
        expect(await again).toBe(2);
      }
      expect(db.loads).toBe(3);
    });

    it("keeps what another organization's load read while a change was announced, not the named organization's", async () => {
      const { db, cache, feed } = announced(10, (key) => key);
      feed.live(true);
      const a = cache.get('a');
      const b = cache.get('b'); // both running when a's change arrives
      db.change();
      feed.changed(organizations('a'));
      await db.finish();
      expect([await a, await b]).toEqual([1, 1]); // their waiters get what was read
      // b's is kept (its tenant is not left without an entry while another changes); a's is not.
      const [bAgain, aAgain] = [cache.get('b'), cache.get('a')];
      expect(db.loads).toBe(3);
      await db.finish();
      expect([await bAgain, await aAgain]).toEqual([1, 2]);
    });

    it('never answers from the other kind once an entry changes kind (a key deleted unannounced becomes unknown)', async () => {
      const { clock, db, cache, feed } = announced(10, (key) => (key === 'k' && db.loads < 2 ? 'a' : null));
      feed.live(true);
      const known = cache.get('k');
      await db.finish();
      expect(await known).toBe(1); // an organization's entry
      db.change();
      clock.now += ANNOUNCED_CACHE.freshMs; // the safety net reloads it in the background…
      expect(await cache.get('k')).toBe(1);
      await db.finish(); // …and now it is no organization's
      expect(await cache.get('k')).toBe(2);
      expect(db.loads).toBe(2);
    });

    it('does not keep what a load read before an announced change', async () => {
      const { db, cache, feed } = announced();
      feed.live(true);
      const before = cache.get('k');
      db.change();
      feed.changed(EVERYTHING);
      await db.finish();
      expect(await before).toBe(1);
      const after = cache.get('k');
      await db.finish();
      expect(await after).toBe(2);
      expect(db.loads).toBe(2);
    });

    it('drops everything and goes back to the timed ages when announcements could be missed', async () => {
      const { clock, db, feed, got } = announced();
      feed.live(true);
      await got();
      db.change();
      feed.live(false); // the listening session was lost: a change could come unannounced
      expect(await got()).toBe(2);
      db.change();
      clock.now += 901;
      expect(await got()).toBe(3);
      expect(db.loads).toBe(3);
    });
  });
});
