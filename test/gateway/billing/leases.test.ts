import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseRef } from '../../../server/gateway/billing/billing-store.js';
import { type LeaseSource, type LeaseStore, Leases } from '../../../server/gateway/billing/leases.js';
import { createLogger } from '../../../server/observability/logger.js';

const accountOf = (source: LeaseSource) => (source.kind === 'credits' ? source.organizationId : source.budgetId);

/**
 * The billing store's lease statements over each source's balance (an organization's credit, a
 * budget's headroom), in memory: the lease policy (how much to take, when to shrink and give
 * back) is what is under test here; the SQL runs in the end-to-end billing tests.
 */
class MemoryLeaseStore implements LeaseStore {
  readonly reservedOf = new Map<string, bigint>();
  readonly rows = new Map<string, bigint>();
  extends = 0;
  readonly balances: Map<string, bigint>;
  constructor(balance: bigint, others: Record<string, bigint> = {}) {
    this.balances = new Map([['org', balance], ...Object.entries(others)]);
  }

  get reserved(): bigint {
    return [...this.reservedOf.values()].reduce((sum, amount) => sum + amount, 0n);
  }
  private reserve(lease: LeaseRef, amount: bigint): void {
    const account = accountOf(lease.source);
    this.reservedOf.set(account, (this.reservedOf.get(account) ?? 0n) + amount);
  }

  async extendLease(lease: LeaseRef, amountPico: bigint, chunkPico: bigint): Promise<bigint> {
    this.extends += 1;
    const account = accountOf(lease.source);
    const available = (this.balances.get(account) ?? 0n) - (this.reservedOf.get(account) ?? 0n);
    const granted = available >= chunkPico ? chunkPico : available >= amountPico ? available : available > 0n ? amountPico : 0n;
    this.reserve(lease, granted);
    if (granted > 0n) this.rows.set(lease.id, (this.rows.get(lease.id) ?? 0n) + granted);
    return granted;
  }
  async releaseLease(lease: LeaseRef, unspentPico: bigint): Promise<void> {
    const row = this.rows.get(lease.id) ?? 0n;
    const back = row < unspentPico ? row : unspentPico > 0n ? unspentPico : 0n;
    this.reserve(lease, -back);
    if (row - back <= 0n) this.rows.delete(lease.id);
    else this.rows.set(lease.id, row - back);
  }
  async shrinkLease(lease: LeaseRef, amountPico: bigint): Promise<void> {
    this.reserve(lease, -amountPico);
    this.rows.set(lease.id, (this.rows.get(lease.id) ?? 0n) - amountPico);
  }
  async renewLeases(leaseIds: string[]): Promise<{ alive: string[]; wanted: string[] }> {
    return { alive: leaseIds.filter((id) => this.rows.has(id)), wanted: [] };
  }
  async releaseExpiredHolds(): Promise<number> {
    return 0;
  }
}

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
    for (let i = 0; i < 50; i += 1) await leases.hold(CREDITS, 100n);
    expect(store.extends).toBe(1);
    expect(first?.used).toBe(5_100n);
    expect(store.reserved).toBe(10_000n);
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

  it('extends once for many holds waiting at the same time', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const held = await Promise.all(Array.from({ length: 20 }, () => leases.hold(CREDITS, 100n)));
    expect(held.every((lease) => lease !== null)).toBe(true);
    expect(store.extends).toBe(1);
  });

  it('keeps what requests settled while the lease was being extended', async () => {
    const store = new MemoryLeaseStore(1_000_000n);
    const leases = leasesOver(store);
    const lease = await leases.hold(CREDITS, 100n);
    if (!lease) throw new Error('expected a lease');
    expect(await leases.hold(CREDITS, 9_900n)).toBe(lease); // the lease is now fully used
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const extendLease = store.extendLease.bind(store);
    store.extendLease = async (...args: Parameters<typeof extendLease>) => {
      await gate;
      return extendLease(...args);
    };
    const waiting = leases.hold(CREDITS, 100n);
    // While the extension is in flight, the first request settles, billed 60 of its 100.
    leases.settle(lease, 100n, 60n);
    open();
    expect(await waiting).toBe(lease);
    // 10,000 + a second chunk of 10,000 − 60 billed: the settlement is not lost in memory.
    expect(lease.held).toBe(19_940n);
    expect(lease.used).toBe(10_000n);
  });
});

describe('budget leases', () => {
  it('take slices of ten holds, capped by the headroom, and serve holds from memory', async () => {
    const store = new MemoryLeaseStore(0n, { key: 1_000_000n });
    const leases = leasesOver(store);
    const lease = await leases.hold(budget('key'), 100n);
    expect(lease?.held).toBe(1_000n);
    for (let i = 0; i < 9; i += 1) expect(await leases.hold(budget('key'), 100n)).toBe(lease);
    expect(store.extends).toBe(1);
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
