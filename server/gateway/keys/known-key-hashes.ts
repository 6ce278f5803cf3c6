import type { DirectSql, HotStatement } from '../../db/direct-sql.js';

/** The gateway keys among a batch of hashes ($1: a JSON array of them), found through the unique index. */
export const KNOWN_KEY_HASHES: HotStatement = {
  name: 'kp_known_key_hashes',
  text: `SELECT hash FROM "GatewayKey" WHERE hash = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`,
};

type Waiting = (found: boolean) => void;

/**
 * Whether a gateway key exists, asked before its identity is loaded. Anyone who can reach the
 * gateway can send keys that do not exist, each one a cache miss: loaded through Prisma (the key
 * with its project, organization and budgets), 500 such requests a second took another tenant's
 * added p50 at 500 req/s from 2 ms to 78 ms and its p99 from 19 ms to 2.6 s
 * (`bench/tail-probe.ts --random-keys 500`). Here one indexed statement answers them, without
 * Prisma, on the hot path's own connection. One statement at a time is in flight, and each
 * starts at least `minGapMs` after the one before: the hashes asked for meanwhile go together.
 * So a flood costs the database at most 1000 / minGapMs statements a second, however fast it
 * comes, while a lookup with none before it goes at once (a key new to this instance waits at
 * most `minGapMs` more, once: the answer is cached).
 */
export class KnownKeyHashes {
  private waiting = new Map<string, Waiting[]>();
  private running = false;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly direct: DirectSql,
    private readonly minGapMs = 5,
    private readonly maxBatch = 1_000,
  ) {}

  /** Whether a key with this hash exists; true also when the database could not say (the caller loads it then). */
  has(hash: string): Promise<boolean> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(hash);
      if (waiters) waiters.push(resolve);
      else this.waiting.set(hash, [resolve]);
      this.next();
    });
  }

  /** Ask for up to `maxBatch` waiting hashes, unless a statement is running or the last started under `minGapMs` ago (then later). */
  private next(): void {
    if (this.running || this.timer || this.waiting.size === 0) return;
    const wait = this.lastStartedAt + this.minGapMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.next();
      }, wait);
      return;
    }
    this.lastStartedAt = performance.now();
    const batch = new Map<string, Waiting[]>();
    for (const [hash, waiters] of this.waiting) {
      if (batch.size === this.maxBatch) break;
      batch.set(hash, waiters);
    }
    for (const hash of batch.keys()) this.waiting.delete(hash);
    this.running = true;
    Promise.resolve()
      .then(() => this.direct.query<{ hash: string }>(KNOWN_KEY_HASHES, [JSON.stringify([...batch.keys()])]))
      .then(
        (rows) => {
          const found = new Set(rows.map((row) => row.hash));
          for (const [hash, waiters] of batch) for (const waiter of waiters) waiter(found.has(hash));
        },
        // The check only spares the full load: unanswered, each key is loaded as before (and
        // that load fails or not on its own), rather than up to maxBatch requests failing together.
        () => {
          for (const waiters of batch.values()) for (const waiter of waiters) waiter(true);
        },
      )
      .finally(() => {
        this.running = false;
        this.next();
      });
  }
}
