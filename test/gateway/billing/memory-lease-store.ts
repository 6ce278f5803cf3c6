import type { LeaseRef } from '../../../server/gateway/billing/billing-store.js';
import type { LeaseSource, LeaseStore } from '../../../server/gateway/billing/leases.js';

const accountOf = (source: LeaseSource) => (source.kind === 'credits' ? source.organizationId : source.budgetId);

/**
 * The billing store's lease statements over each source's balance (an organization's credit, a
 * budget's headroom), in memory: the lease policy (how much to take, when to shrink and give
 * back) is what is under test here; the SQL runs in the end-to-end billing tests.
 */
export class MemoryLeaseStore implements LeaseStore {
  readonly reservedOf = new Map<string, bigint>();
  readonly rows = new Map<string, bigint>();
  extends = 0;
  /** How long each extension takes (a round trip), and the most ever in flight at once. */
  roundTripMs = 0;
  mostInFlight = 0;
  private inFlight = 0;
  private gate: Promise<void> | null = null;
  readonly balances: Map<string, bigint>;
  constructor(balance: bigint, others: Record<string, bigint> = {}) {
    this.balances = new Map([['org', balance], ...Object.entries(others)]);
  }

  /** Hold every extension from now on until the returned function is called. */
  holdExtensions(): () => void {
    let open: () => void = () => {};
    this.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      this.gate = null;
      open();
    };
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
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    if (this.roundTripMs > 0) await new Promise((resolve) => setTimeout(resolve, this.roundTripMs));
    if (this.gate) await this.gate;
    this.inFlight -= 1;
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
