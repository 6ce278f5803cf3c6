import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LeaseSource, Leases } from '../../../server/gateway/billing/leases.js';
import { createLogger } from '../../../server/observability/logger.js';
import { MemoryLeaseStore } from './memory-lease-store.js';

const logger = createLogger({ level: 'silent' });
let open: Leases[] = [];
const leasesOver = (store: MemoryLeaseStore) => {
  const leases = new Leases(store, logger);
  open.push(leases);
  return leases;
};
afterEach(async () => {
  await Promise.all(open.map((leases) => leases.close()));
  open = [];
});

const CREDITS: LeaseSource = { kind: 'credits', organizationId: 'org' };
const budget = (budgetId: string, limitUsd = '1'): LeaseSource => ({
  kind: 'budget',
  organizationId: 'org',
  budgetId,
  period: 'total',
  limitUsd,
});

describe('credit leases', () => {
  it('takes a chunk of a hundred holds at once, then serves holds from memory', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const first = await leases.hold(CREDITS, 100n);
    expect(first?.held).toBe(10_000n);
    expect(first?.used).toBe(100n);
    for (let i = 0; i < 49; i += 1) await leases.hold(CREDITS, 100n);
    expect(store.extends).toBe(1);
    expect(first?.used).toBe(5_000n);
    expect(store.reserved).toBe(10_000n);
  });

  it('refills a lease in the background at half a chunk: the holds meanwhile do not wait for it', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    if (!lease) throw new Error('expected a lease');
    for (let i = 0; i < 49; i += 1) await leases.hold(CREDITS, 100n);
    const open = store.holdExtensions();
    // The 51st hold leaves 4,900 of 10,000: under half a chunk, so the refill starts, and while
    // it is held up the other 49 holds the lease still has room for are served from memory.
    for (let i = 0; i < 50; i += 1) expect(await leases.hold(CREDITS, 100n)).toBe(lease);
    expect(lease.extending).not.toBeNull();
    expect(lease.held).toBe(10_000n);
    open();
    await vi.waitFor(() => expect(lease.held).toBe(20_000n));
    expect(await leases.hold(CREDITS, 100n)).toBe(lease);
    expect(store.extends).toBe(2);
    expect(store.reserved).toBe(20_000n);
  });

  it('on close, waits for a refill in flight and gives its lease back whole', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = new Leases(store, logger);
    const lease = await leases.hold(CREDITS, 100n);
    if (!lease) throw new Error('expected a lease');
    const open = store.holdExtensions();
    expect(await leases.hold(CREDITS, 5_000n)).toBe(lease);
    leases.settle(lease, 100n, 0n);
    leases.settle(lease, 5_000n, 0n);
    const closing = leases.close();
    open();
    await closing;
    expect(store.extends).toBe(2);
    expect(store.reserved).toBe(0n);
    expect(store.rows.size).toBe(0);
  });

  it('does not refill ahead from a source that had less than a chunk to give', async () => {
    const store = new MemoryLeaseStore(5_000n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    expect(lease?.held).toBe(5_000n);
    for (let i = 0; i < 45; i += 1) expect(await leases.hold(CREDITS, 100n)).toBe(lease);
    expect(store.extends).toBe(1);
  });

  it('a refill that fails is logged, and the next hold that needs one extends again', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 5_000n);
    if (!lease) throw new Error('expected a lease');
    const extendLease = store.extendLease.bind(store);
    store.extendLease = async () => {
      throw new Error('database unreachable');
    };
    // 500,000 held, 5,000 used: this hold leaves 240,000, under half a chunk.
    expect(await leases.hold(CREDITS, 255_000n)).toBe(lease);
    await vi.waitFor(() => expect(lease.extending).toBeNull());
    store.extendLease = extendLease;
    expect(await leases.hold(CREDITS, 300_000n)).toBe(lease);
    expect(lease.held).toBe(1_000_000n);
  });

  it('takes all that is left when less than a chunk is available', async () => {
    const store = new MemoryLeaseStore(250n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    expect(lease?.held).toBe(250n);
    expect(await leases.hold(CREDITS, 100n)).toBe(lease);
    // 50 left in the lease and nothing more in the balance: refused.
    expect(await leases.hold(CREDITS, 100n)).toBeNull();
    expect(store.reserved).toBe(250n);
  });

  it('lets the last request overdraw by its own hold while any credit is left', async () => {
    const store = new MemoryLeaseStore(50n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    expect(lease?.held).toBe(100n);
    expect(await leases.hold(CREDITS, 100n)).toBeNull();
  });

  it('refuses a hold when the organization has no credit', async () => {
    const leases = leasesOver(new MemoryLeaseStore(0n));
    expect(await leases.hold(CREDITS, 1n)).toBeNull();
  });

  it('shrinks by what was billed when a request settles, and frees the rest of its hold', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    if (!lease) throw new Error('expected a lease');
    leases.settle(lease, 100n, 30n);
    expect(lease.used).toBe(0n);
    expect(lease.held).toBe(10_000n - 30n);
  });

  it('gives an idle lease back whole, and starts a new one afterwards', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    if (!lease) throw new Error('expected a lease');
    await leases.releaseIdle(0);
    expect(store.rows.size).toBe(1); // in use: kept
    leases.settle(lease, 100n, 0n);
    await leases.releaseIdle(0);
    expect(store.rows.size).toBe(0);
    expect(store.reserved).toBe(0n);
    const next = await leases.hold(CREDITS, 100n);
    expect(next?.id).not.toBe(lease.id);
  });

  it('keeps an idle lease a minute while its source has room, and gives it back after a second when the source is tight', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const store = new MemoryLeaseStore(1_000_000n, { tight: 150n });
      const leases = leasesOver(store);
      const roomy = await leases.hold(CREDITS, 100n);
      // Its extension got less than a chunk: 150 of 10,000.
      const tight = await leases.hold({ kind: 'credits', organizationId: 'tight' }, 100n);
      if (!roomy || !tight) throw new Error('expected leases');
      leases.settle(roomy, 100n, 0n);
      leases.settle(tight, 100n, 0n);
      vi.setSystemTime(Date.now() + 1_500);
      await leases.releaseIdle();
      expect([...store.rows.keys()]).toEqual([roomy.id]);
      expect(store.reservedOf.get('tight')).toBe(0n);

      // Back after a pause: served from the kept lease, no round trip.
      const extensions = store.extends;
      expect(await leases.hold(CREDITS, 100n)).toBe(roomy);
      expect(store.extends).toBe(extensions);
      leases.settle(roomy, 100n, 0n);
      vi.setSystemTime(Date.now() + 59_000);
      await leases.releaseIdle();
      expect(store.rows.has(roomy.id)).toBe(true);
      vi.setSystemTime(Date.now() + 1_500);
      await leases.releaseIdle();
      expect(store.rows.size).toBe(0);
      expect(store.reserved).toBe(0n);
    } finally {
      vi.useRealTimers();
    }
  });

  it('extends once for many holds waiting at the same time', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const held = await Promise.all(Array.from({ length: 20 }, () => leases.hold(CREDITS, 100n)));
    expect(held.every((lease) => lease !== null)).toBe(true);
    expect(store.extends).toBe(1);
  });

  it('keeps what requests settled while the lease was being extended', async () => {
    const store = new MemoryLeaseStore(10_000_000n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    if (!lease) throw new Error('expected a lease');
    const open = store.holdExtensions();
    // The lease is now fully used, and the refill this hold started is held up.
    expect(await leases.hold(CREDITS, 9_900n)).toBe(lease);
    const waiting = leases.hold(CREDITS, 100n);
    // While the extension is in flight, the first request settles, billed 60 of its 100.
    leases.settle(lease, 100n, 60n);
    open();
    expect(await waiting).toBe(lease);
    // 10,000 + a chunk of a hundred 9,900 holds − 60 billed: the settlement is not lost in memory.
    expect(lease.held).toBe(999_940n);
    expect(lease.used).toBe(10_000n);
    expect(store.extends).toBe(2);
  });
});

describe('budget leases', () => {
  it('take slices of ten holds, capped by the headroom, and serve holds from memory', async () => {
    const store = new MemoryLeaseStore(0n, { key: 1_000_000n });
    const leases = leasesOver(store);
    const lease = await leases.hold(budget('key'), 100n);
    expect(lease?.held).toBe(1_000n);
    for (let i = 0; i < 4; i += 1) expect(await leases.hold(budget('key'), 100n)).toBe(lease);
    expect(store.extends).toBe(1);
    // Half the slice left after the next: it refills ahead.
    expect(await leases.hold(budget('key'), 100n)).toBe(lease);
    expect(store.extends).toBe(2);
  });

  it('a burst of more holds than a slice covers is served by extensions, never left to wait for settlements', async () => {
    const store = new MemoryLeaseStore(0n, { key: 1_000_000_000n });
    store.roundTripMs = 5;
    const leases = leasesOver(store);
    // Fifty requests at once, none settling, against a slice of ten holds: plenty of headroom.
    const started = performance.now();
    const held = await Promise.all(Array.from({ length: 50 }, () => leases.hold(budget('key', '1000'), 100n)));
    const waitedMs = performance.now() - started;
    expect(held.every((lease) => lease !== null && lease === held[0])).toBe(true);
    expect(held[0]?.used).toBe(5_000n);
    // A few round trips, not the 250 ms a hold waits for requests in flight when a source is spent.
    expect(waitedMs).toBeLessThan(150);
    expect(store.extends).toBeLessThanOrEqual(3);
  });

  it('hold all of a request’s budgets or none: a refusal gives back what the others held', async () => {
    const store = new MemoryLeaseStore(0n, { key: 1_000_000n, tag: 0n });
    const leases = leasesOver(store);
    expect(await leases.holdAll([budget('key'), budget('tag')], 100n)).toBe(1);
    const keyOnly = await leases.holdAll([budget('key')], 100n);
    expect(Array.isArray(keyOnly) && keyOnly[0]?.used).toBe(100n);
    store.balances.set('tag', 1_000_000n);
    const both = await leases.holdAll([budget('key'), budget('tag')], 100n);
    expect(Array.isArray(both) && both.map((lease) => lease.used)).toEqual([200n, 100n]);
  });

  it('holdAll asks every source at once: cold leases cost the request one round trip, not one each', async () => {
    const store = new MemoryLeaseStore(0n, { key: 1_000_000n, tag: 1_000_000n });
    const leases = leasesOver(store);
    store.roundTripMs = 20;
    const held = await leases.holdAll([budget('key'), budget('tag')], 100n);
    expect(Array.isArray(held) && held.map((lease) => lease.used)).toEqual([100n, 100n]);
    expect(store.mostInFlight).toBe(2);
  });

  it('holdAll gives back what it held when another source fails, and reports the failure', async () => {
    const store = new MemoryLeaseStore(0n, { key: 1_000_000n, tag: 1_000_000n });
    const leases = leasesOver(store);
    const key = await leases.hold(budget('key'), 100n);
    if (!key) throw new Error('expected a lease');
    leases.settle(key, 100n, 0n);
    store.extendLease = async () => {
      throw new Error('database unreachable');
    };
    await expect(leases.holdAll([budget('key'), budget('tag')], 100n)).rejects.toThrow('database unreachable');
    expect(key.used).toBe(0n);
  });

  it('a changed limit takes a new lease; the old one drains and goes back', async () => {
    const store = new MemoryLeaseStore(0n, { key: 1_000_000n });
    const leases = leasesOver(store);
    const before = await leases.hold(budget('key', '1'), 100n);
    const after = await leases.hold(budget('key', '0.5'), 100n);
    expect(after?.id).not.toBe(before?.id);
    if (!before) throw new Error('expected a lease');
    leases.settle(before, 100n, 40n);
    await leases.releaseIdle(0);
    // Only the 40 billed stays on the old row, for its settlement to consume; the new lease is in use.
    expect(store.rows.get(before.id)).toBe(40n);
    expect(store.rows.get(after?.id ?? '')).toBe(1_000n);
  });
});
