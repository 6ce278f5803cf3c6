import { describe, expect, it } from 'vitest';
import { leaseSize, type WindowGrant, WindowLeases } from '../../server/state/window-leases.js';

/** One shared fixed window, as the store keeps it: a counter that never passes the limit, and trips to it counted. */
function sharedWindow(clock: { now: number }) {
  const windows = new Map<string, { used: number; endsAt: number }>();
  const store = {
    trips: 0,
    used: (bucket: string) => windows.get(bucket)?.used ?? 0,
    async take(bucket: string, perMinute: number, want: number): Promise<WindowGrant> {
      store.trips += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      let window = windows.get(bucket);
      if (!window || clock.now >= window.endsAt) {
        window = { used: 0, endsAt: clock.now + 60_000 };
        windows.set(bucket, window);
      }
      const granted = Math.max(0, Math.min(want, perMinute - window.used));
      window.used += granted;
      return { granted, windowLeftMs: window.endsAt - clock.now };
    },
  };
  return store;
}

describe('window leases', () => {
  it('takes one point at a time below 400 a minute, and at most a two-hundredth of the limit (≤ 100) above', () => {
    expect([1, 3, 60, 399, 400, 1_000, 20_000, 1_000_000].map(leaseSize)).toEqual([1, 1, 1, 1, 2, 5, 100, 100]);
  });

  it('counts a small limit exactly in the shared store: every request is a trip', async () => {
    const clock = { now: 1_000 };
    const store = sharedWindow(clock);
    const leases = new WindowLeases(store.take, () => clock.now);
    const verdicts = [];
    for (let i = 0; i < 5; i += 1) verdicts.push(await leases.consume('gk', 3));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false, false]);
    expect(verdicts[3]?.retryAfterMs).toBe(60_000);
    expect(store.used('gk')).toBe(3);
    // The refusal is known locally until the window ends; then a new window starts.
    expect(store.trips).toBe(4);
    clock.now += 60_000;
    expect((await leases.consume('gk', 3)).allowed).toBe(true);
  });

  it('at a high limit makes one trip per lease, shared by concurrent requests', async () => {
    const clock = { now: 0 };
    const store = sharedWindow(clock);
    const leases = new WindowLeases(store.take, () => clock.now);
    const verdicts = await Promise.all(Array.from({ length: 250 }, () => leases.consume('gk', 1_000_000)));
    expect(verdicts.every((v) => v.allowed)).toBe(true);
    expect(store.trips).toBe(3);
    expect(store.used('gk')).toBe(300);
  });

  it('never lets several instances together pass the limit, and refuses early by at most their unused leases', async () => {
    const clock = { now: 0 };
    const store = sharedWindow(clock);
    const instances = [0, 1, 2].map(() => new WindowLeases(store.take, () => clock.now));
    let allowed = 0;
    for (let i = 0; i < 1_200; i += 1) if ((await (instances[i % 3] as WindowLeases).consume('gk', 1_000)).allowed) allowed += 1;
    expect(store.used('gk')).toBe(1_000);
    expect(allowed).toBeLessThanOrEqual(1_000);
    expect(allowed).toBeGreaterThan(1_000 - 3 * leaseSize(1_000));
  });

  it('lets points left at the end of a window lapse with it', async () => {
    const clock = { now: 0 };
    const store = sharedWindow(clock);
    const leases = new WindowLeases(store.take, () => clock.now);
    expect((await leases.consume('gk', 20_000)).allowed).toBe(true);
    expect(store.used('gk')).toBe(100);
    clock.now = 60_000;
    expect((await leases.consume('gk', 20_000)).allowed).toBe(true);
    expect(store.trips).toBe(2);
    expect(store.used('gk')).toBe(100);
  });

  it('passes the store failing to every request waiting on that trip', async () => {
    const leases = new WindowLeases(async () => {
      throw new Error('store down');
    });
    const results = await Promise.allSettled([leases.consume('gk', 10_000), leases.consume('gk', 10_000)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
