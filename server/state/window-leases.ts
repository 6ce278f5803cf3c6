import { LRUCache } from 'lru-cache';
import type { RateLimitVerdict } from './state-store.js';

/** What the shared counter granted: up to the points asked for, and how long its window has left. */
export interface WindowGrant {
  granted: number;
  windowLeftMs: number;
}

/** Takes up to `want` points from the shared window of `bucket` (limit `perMinute`), never past the limit. */
export type TakeFromWindow = (bucket: string, perMinute: number, want: number) => Promise<WindowGrant>;

interface Lease {
  left: number;
  /** Local epoch ms when the shared window ends: leftover points lapse with it. */
  until: number;
  /** The store had no point left for this window. */
  spent: boolean;
  refill: Promise<void> | null;
}

const ALLOWED: RateLimitVerdict = Object.freeze({ allowed: true, retryAfterMs: 0 });

/**
 * How many points one trip to the shared counter takes. One point below 400 a minute, so small
 * limits count every request there exactly; above, at most a two-hundredth of the limit (and
 * never more than 100), so points an instance holds but does not use can refuse requests on
 * other instances early by at most that much — the limit itself is never exceeded.
 */
export function leaseSize(perMinute: number): number {
  return Math.max(1, Math.min(100, Math.floor(perMinute / 200)));
}

/**
 * Per-minute windows counted in a shared store, with points taken a few at a time and spent
 * locally: at a high limit a request costs a round trip to the store once per `leaseSize`
 * requests instead of every time. Concurrent requests that find the lease empty share one
 * trip. A window the store says is spent is refused locally until it ends.
 */
export class WindowLeases {
  private readonly leases = new LRUCache<string, Lease>({ max: 10_000 });

  constructor(
    private readonly take: TakeFromWindow,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(bucket: string, perMinute: number): Promise<RateLimitVerdict> {
    const key = `${perMinute}:${bucket}`;
    for (;;) {
      let lease = this.leases.get(key);
      if (!lease) {
        lease = { left: 0, until: 0, spent: false, refill: null };
        this.leases.set(key, lease);
      }
      const now = this.now();
      if (now < lease.until) {
        if (lease.left > 0) {
          lease.left -= 1;
          return ALLOWED;
        }
        if (!lease.refill && lease.spent) return { allowed: false, retryAfterMs: Math.max(1, lease.until - now) };
      }
      if (!lease.refill) lease.refill = this.refill(lease, bucket, perMinute);
      await lease.refill;
    }
  }

  private async refill(lease: Lease, bucket: string, perMinute: number): Promise<void> {
    try {
      const grant = await this.take(bucket, perMinute, leaseSize(perMinute));
      lease.left = grant.granted;
      lease.spent = grant.granted === 0;
      lease.until = this.now() + Math.max(1, grant.windowLeftMs);
    } finally {
      lease.refill = null;
    }
  }
}
