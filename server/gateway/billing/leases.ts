import { randomUUID } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import type { BillingStore } from './billing-store.js';

/** What leases need of the billing store. */
export type LeaseStore = Pick<BillingStore, 'extendLease' | 'releaseLease' | 'shrinkLease' | 'renewLeases' | 'releaseExpiredHolds'>;

/** How often leases are renewed, and how long an unrenewed lease lives (config: CREDIT_LEASE_*). */
export interface LeaseTiming {
  renewEveryMs: number;
  ttlMs: number;
}

/**
 * What a lease reserves from: an organization's credit, or one budget's headroom in one period
 * (a gateway key's, a tag's or an end user's: BudgetSpend.budgetId) under the limit the request saw.
 */
export type LeaseSource =
  | { kind: 'credits'; organizationId: string }
  | { kind: 'budget'; organizationId: string; budgetId: string; period: string; limitUsd: string };

/**
 * How many worst-case holds one extension tries to cover. Credit is plentiful next to one
 * request; a budget is often a few dollars, so its slices stay a few requests' worth (the bound
 * on overspending does not depend on it: see Leases).
 */
const CHUNK_FACTOR: Record<LeaseSource['kind'], bigint> = { credits: 100n, budget: 10n };
const chunkOf = (source: LeaseSource, amount: bigint) =>
  amount * CHUNK_FACTOR[source.kind] > 0n ? amount * CHUNK_FACTOR[source.kind] : 1n;

/**
 * What an extension asks for: a chunk, or what requests hold and wait for right now when that is
 * more. In a burst (a client's parallel calls after a pause, or a stall that leaves dozens of
 * requests in flight), a chunk of ten budget holds covered a few of the requests waiting; the
 * rest took turns behind one extension after another, and those that lost three turns slept
 * 250 ms waiting for settlements, as if the budget were spent. Fifty holds at once on a cold
 * budget lease, 5 ms a round trip: 277 ms before, 11 ms with extensions sized to the demand. The
 * database still grants at most half of what is available, so the bound does not move.
 */
function extensionOf(lease: Lease, amount: bigint): bigint {
  const chunk = chunkOf(lease.source, amount);
  const demand = lease.used + lease.waiting;
  // bigints: no Math.max
  if (demand > chunk) return demand;
  return chunk;
}
/**
 * How long a lease no request uses is kept. While its source is tight (its last extension got
 * less than it asked), a second: other instances may need what it holds. While the source has
 * room to spare, a minute: taking it again is a locked round trip (1.5–1.8 ms, up to 1 ms of it
 * keyplane's CPU through Prisma, against 18–27 µs to renew a kept lease for a second), and when
 * many organizations come back at once after a pause, those extensions queued the requests
 * behind them (101 organizations after 18 s idle at 1,000 req/s: added p99 480–680 ms when
 * leases went back after a second, 34–57 ms with this policy). A lease kept with room never
 * starves another instance: it took at most half of what was available, and hands its spare to
 * one that asks at its next renewal.
 */
const TIGHT_IDLE_MS = 1_000;
const ROOMY_IDLE_MS = 60_000;
/** How long a hold waits for what requests in flight are about to give back. */
const HOLD_WAIT_MS = 250;
const HOLD_POLL_MS = 25;

/** One lease of one source; a released lease is never reused. */
export interface Lease {
  source: LeaseSource;
  /** The lease's Reservation row; settlement names it when it consumes the lease. */
  id: string;
  /** Reserved in the database for this instance (the source's reserved amount, and the lease row). */
  held: bigint;
  /** Held by requests in flight (from this lease). */
  used: bigint;
  /** Holds waiting for an extension to make room for them. */
  waiting: bigint;
  idleSince: number;
  extending: Promise<void> | null;
  /** Extensions that got something: the heartbeat tells a lease swept from one granted during its query. */
  grants: number;
  /** The last extension got all it asked for: the source has room to refill ahead of need. */
  roomy: boolean;
}

/** One lease per source at a time. A budget's changed limit is a new source: the old lease drains and goes back. */
function sourceKey(source: LeaseSource): string {
  return source.kind === 'credits' ? `credits:${source.organizationId}` : `budget:${source.budgetId}:${source.period}:${source.limitUsd}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Credit and budget holds without a database round trip per request. Each instance reserves a
 * chunk of an organization's credit or of a budget's headroom (a lease: the reserved amount on
 * Organization.creditReserved or BudgetSpend.reservedUsd, plus a Reservation row) and hands
 * holds out of it in memory.
 *
 * Leases never strand money: a live instance renews its lease rows every `renewEveryMs`, and
 * any instance's sweep releases rows not renewed within `ttlMs` whose instance has lost its
 * liveness lock (instance-liveness.ts: a dead instance's leases are back within seconds,
 * whatever RESERVATION_TTL_MS says for request holds, and a stalled one keeps its lease). Leases never
 * starve another instance: an extension takes at most half of what is available, and a lease
 * hands its spare back at its next renewal when another lease of the same source has asked for
 * some and got none. A hold that finds nothing waits up to 250 ms for requests in flight to settle.
 *
 * The bound: a lease never exceeds what is available when it is taken (credit balance, or budget
 * limit − spent − reserved), except that the last request may take its own hold from less than
 * that. So reserved + spent passes the limit by less than one worst-case hold, whatever the
 * chunk size, however many instances and requests (docs/api.md: parallel requests overdraw by no
 * more than what requests in flight reserved). Settlement consumes the lease by what was billed;
 * an idle lease goes back after a second, or a minute while its source has room (TIGHT_IDLE_MS, ROOMY_IDLE_MS).
 */
export class Leases {
  readonly instanceId = randomUUID();
  private readonly leases = new Map<string, Lease>();
  private readonly timer: NodeJS.Timeout;
  private generation = 0;

  constructor(
    private readonly store: LeaseStore,
    private readonly logger: Logger,
    private readonly timing: LeaseTiming = { renewEveryMs: 1_000, ttlMs: 5_000 },
  ) {
    this.timer = setInterval(() => void this.maintain(), timing.renewEveryMs);
    this.timer.unref();
  }

  /** Hold `amount` from the source; null when it has no room. */
  async hold(source: LeaseSource, amount: bigint): Promise<Lease | null> {
    const key = sourceKey(source);
    const lease = this.lease(key, source);
    if (await this.take(key, lease, amount)) return lease;
    // Requests in flight hold more than they will be billed: wait briefly for them to settle.
    const deadline = Date.now() + HOLD_WAIT_MS;
    while (lease.used > 0n && Date.now() < deadline) {
      await sleep(HOLD_POLL_MS);
      // Only from the lease on record: one the heartbeat dropped was swept, its amount given back.
      if (this.leases.get(key) === lease && this.fits(lease, amount)) return lease;
    }
    // The heartbeat may have dropped that lease meanwhile (it never got a row): take from the current one.
    const current = this.lease(key, source);
    return (await this.take(key, current, amount)) ? current : null;
  }

  /**
   * Hold `amount` from every source, or from none: returns the leases, in the sources' order, or
   * the index of the first source without room (what was taken from the others is given back).
   * The sources are asked at once: when several leases need a round trip, the request waits for one.
   */
  async holdAll(sources: readonly LeaseSource[], amount: bigint): Promise<Lease[] | number> {
    const results = await Promise.allSettled(sources.map((source) => this.hold(source, amount)));
    const held: Lease[] = [];
    for (const result of results) if (result.status === 'fulfilled' && result.value) held.push(result.value);
    if (held.length === sources.length) return held;
    for (const taken of held) this.settle(taken, amount, 0n);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return results.findIndex((result) => result.status === 'fulfilled' && !result.value);
  }

  /** A request settled: its hold ends, and what it was billed is spent from the lease. */
  settle(lease: Lease, heldAmount: bigint, billed: bigint): void {
    lease.used -= heldAmount;
    lease.held -= billed;
    if (lease.used === 0n) lease.idleSince = Date.now();
  }

  /** Give back leases no request has used for as long as they are kept (all of them with `idleMs` = 0). */
  async releaseIdle(idleMs?: number): Promise<void> {
    const now = Date.now();
    for (const [key, lease] of this.leases) {
      const keep = idleMs ?? (lease.roomy ? ROOMY_IDLE_MS : TIGHT_IDLE_MS);
      if (lease.used !== 0n || lease.extending || now - lease.idleSince < keep) continue;
      this.leases.delete(key);
      await this.store.releaseLease(lease, lease.held - lease.used);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // A refill ahead may still be in flight: its lease goes back with the rest once it lands.
    await Promise.allSettled([...this.leases.values()].map((lease) => lease.extending));
    await this.releaseIdle(0);
  }

  private fits(lease: Lease, amount: bigint): boolean {
    if (lease.held - lease.used < amount) return false;
    lease.used += amount;
    return true;
  }

  /** From the lease, extending it (one extension at a time per lease) while that helps. */
  private async take(key: string, lease: Lease, amount: bigint): Promise<boolean> {
    for (let tries = 0; tries < 3; tries += 1) {
      if (this.fits(lease, amount)) {
        this.refillAhead(key, lease, amount);
        return true;
      }
      // Never extend a lease the heartbeat dropped: nothing would renew or hand back its row, and
      // when swept it would return what its requests still spend.
      if (this.leases.get(key) !== lease) break;
      const before = lease.held;
      lease.waiting += amount;
      try {
        lease.extending ??= this.extend(lease, amount).finally(() => {
          lease.extending = null;
        });
        await lease.extending;
      } finally {
        lease.waiting -= amount;
      }
      if (lease.held === before && lease.held - lease.used < amount) break;
    }
    return this.fits(lease, amount);
  }

  /**
   * Once a lease is down to half of what an extension would ask (`extensionOf`: a chunk, or the
   * demand in a burst), extend it in the background, so the holds after this one do not wait for
   * the round trip. Under load that round trip waits for the settlement batch that holds the
   * source's row: in a production-profile probe at 1,000 req/s, a budget extension took 14 ms at
   * the median, and 1.8 % of requests spent over a millisecond holding their budgets. Only while
   * the last extension got all it asked for: near its limit, holds extend on demand, and a refill
   * could only ask the other instances for their spare early.
   */
  private refillAhead(key: string, lease: Lease, amount: bigint): void {
    if (lease.extending || !lease.roomy || this.leases.get(key) !== lease) return;
    if (lease.held - lease.used >= extensionOf(lease, amount) / 2n) return;
    lease.extending = this.extend(lease, amount)
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'Extending a lease ahead failed; the next hold that needs it will try again'),
      )
      .finally(() => {
        lease.extending = null;
      });
  }

  private lease(key: string, source: LeaseSource): Lease {
    let lease = this.leases.get(key);
    if (!lease) {
      this.generation += 1;
      // The instance id second: the sweep reads it there to ask whether the owner is alive.
      const id = `lease:${this.instanceId}:${this.generation}`;
      lease = { source, id, held: 0n, used: 0n, waiting: 0n, idleSince: Date.now(), extending: null, grants: 0, roomy: false };
      this.leases.set(key, lease);
    }
    return lease;
  }

  /** Reserve more: a chunk of several holds' worth (`extensionOf`), so most holds need no round trip. */
  private async extend(lease: Lease, amount: bigint): Promise<void> {
    const chunk = extensionOf(lease, amount);
    const spare = lease.held - lease.used > 0n ? lease.held - lease.used : 0n;
    const granted = await this.store.extendLease(lease, amount, chunk, spare);
    // Not `lease.held += await …`: that reads `held` before the await and would undo every
    // settlement and hand-back made meanwhile, leaving the lease more than its row.
    lease.held += granted;
    if (granted > 0n) lease.grants += 1;
    lease.roomy = granted >= chunk;
  }

  /** The heartbeat: return idle leases, renew the rest, hand spare to whoever wants it, sweep dead instances' leases. */
  private async maintain(): Promise<void> {
    try {
      await this.releaseIdle();
      if (this.leases.size > 0) await this.renew();
      const released = await this.store.releaseExpiredHolds(null, this.timing.ttlMs);
      if (released > 0) this.logger.warn({ released }, 'Released leases of instances that stopped renewing them');
    } catch (error) {
      this.logger.warn({ err: error }, 'Maintaining leases failed; will retry');
    }
  }

  private async renew(): Promise<void> {
    const grantsBefore = new Map([...this.leases.values()].map((lease) => [lease, lease.grants]));
    const { alive, wanted } = await this.store.renewLeases([...grantsBefore.keys()].map((lease) => lease.id));
    const live = new Set(alive);
    const contended = new Set(wanted);
    for (const [key, lease] of this.leases) {
      // Swept (its instance lost the liveness lock): its amount is back with the source.
      // Requests in flight still settle (charged, nothing left to consume); new holds take a
      // new lease. A lease whose row an extension wrote during the query is not gone.
      if (!live.has(lease.id) && !lease.extending && grantsBefore.get(lease) === lease.grants) {
        this.leases.delete(key);
        continue;
      }
      const spare = lease.held - lease.used;
      if (!contended.has(lease.id) || spare <= 0n || lease.extending) continue;
      lease.held -= spare;
      await this.store.shrinkLease(lease, spare);
    }
  }
}
