import { LRUCache } from 'lru-cache';
import type { KeyState } from './state-store.js';

/**
 * Key states this instance read lately, kept while every change to them reaches it: the
 * store that owns the cache drops an entry the moment any instance announces a change, drops
 * everything while announcements could be missed, and keeps nothing longer than `ttlMs` as a
 * last resort. A read that was in flight when a change arrived is not kept (it may predate it).
 */
export class KeyStateCache {
  private readonly entries: LRUCache<string, KeyState>;
  /** Counts changes seen; a read keeps its result only if none arrived while it ran. */
  private changes = 0;
  private live = false;

  constructor(ttlMs: number) {
    this.entries = new LRUCache<string, KeyState>({ max: 10_000, ttl: ttlMs });
  }

  /** Announcements are (again) being received: start caching from nothing. */
  start(): void {
    this.clear();
    this.live = true;
  }

  /** Announcements could be missed (the subscription is down): stop caching. */
  stop(): void {
    this.live = false;
    this.clear();
  }

  /** Some instance changed this key. */
  changed(name: string): void {
    this.changes += 1;
    this.entries.delete(name);
  }

  /**
   * This instance used the key: cached readers see its own use at once (other instances' within
   * `ttlMs`). The entry keeps its age, so a key used on every request still expires.
   */
  used(name: string, atMs: number): void {
    const entry = this.entries.get(name);
    if (entry) this.entries.set(name, { ...entry, lastUsedAt: atMs }, { noUpdateTTL: true });
  }

  /** States for `names`, reading through `read` only those not cached. */
  async states(
    names: readonly string[],
    read: (names: readonly string[]) => Promise<Map<string, KeyState>>,
  ): Promise<Map<string, KeyState>> {
    if (!this.live) return read(names);
    const found = new Map<string, KeyState>();
    const missing: string[] = [];
    for (const name of names) {
      const entry = this.entries.get(name);
      if (entry) found.set(name, entry);
      else missing.push(name);
    }
    if (missing.length === 0) return found;
    const changesBefore = this.changes;
    const fresh = await read(missing);
    const keep = this.live && this.changes === changesBefore;
    for (const [name, state] of fresh) {
      found.set(name, state);
      if (keep) this.entries.set(name, state);
    }
    return found;
  }

  private clear(): void {
    this.changes += 1;
    this.entries.clear();
  }
}
