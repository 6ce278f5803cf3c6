import type { ChangeScope, ConfigChanges } from '../db/config-changes.js';

/**
 * How the request path caches what it reads from the database on every request, when changes
 * are not announced (or announcements could be missed): reloaded in the background after
 * 500 ms, never used past 900 ms. So revocations, flag flips and mode changes reach every
 * instance within the promised second.
 */
export const REQUEST_PATH_CACHE = { freshMs: 500, maxAgeMs: 900 } as const;

/**
 * While every change is announced (ConfigChanges live), an announcement drops the entries of
 * the organizations it names (and those of no one organization), if the cache reads the tables
 * it names, and entries are reloaded only
 * as a safety net: each reload costs the database and this process
 * the same whether anything changed or not, per entry in use (a gateway key, a project, an
 * organization), so at 500 ms the cost grew with the number of tenants, not with traffic.
 * While announcements are live an entry is exact, so it never expires: one older than
 * `freshMs` is still answered while its reload runs, however long it sat unused; and those
 * reloads start at most `SAFETY_NET_RELOADS` a second per cache, so organizations coming back
 * together do not reload all their entries at once. With an expiry of a minute and no spacing,
 * 101 organizations back after a longer pause made nine queries each through Prisma within two
 * seconds (PostgreSQL's statement log; about 0.5 ms of keyplane's CPU each), every request
 * waiting for its own, and the requests queued behind them
 * (`bench/tail-probe.ts --tenants 100 --pause 50`). Announcements that could be missed (the
 * listening session lost) clear every entry instead.
 */
export const ANNOUNCED_CACHE = { freshMs: 30_000, maxAgeMs: Number.POSITIVE_INFINITY } as const;

/**
 * Safety-net reloads a second, per cache, while changes are announced (a short burst of
 * `SAFETY_NET_BURST` allowed). It bounds their cost however many tenants are in use: with more
 * entries than `freshMs` lets this rate cover, each is reloaded less often than every 30 s.
 */
export const SAFETY_NET_RELOADS = 10;
const SAFETY_NET_BURST = 5;
const SAFETY_NET_SPACING_MS = 1000 / SAFETY_NET_RELOADS;
const SAFETY_NET_TOLERANCE_MS = (SAFETY_NET_BURST - 1) * SAFETY_NET_SPACING_MS;

export interface RefreshAheadOptions<V = unknown> {
  /** Most entries kept (the least recently loaded go first). */
  max: number;
  /**
   * Most entries of no organization kept (default `max`), apart from the others: a flood of
   * lookups that belong to no one (random gateway keys, each 'unknown') evicts only its own
   * kind, never an organization's entry that its requests would then wait to load again.
   */
  maxUnowned?: number;
  /** After this long an entry is reloaded in the background; requests keep getting it meanwhile. */
  freshMs: number;
  /** No entry older than this is ever returned: a request then waits for the load. */
  maxAgeMs: number;
  /** Announced changes: while live, each clears what it covers and ANNOUNCED_CACHE's ages apply. */
  changes?: ConfigChanges | undefined;
  /**
   * The organization whose configuration an entry was read from, so an announced change to
   * another organization's leaves it alone. Without it (or null: the entry is no one
   * organization's, as an unknown key's is) every announcement drops the entry.
   */
  organizationOf?: (key: string, value: V) => string | null;
  /**
   * The tables the entries are read from, so announced changes to other tables leave them
   * alone; without it a change to any table drops them. For entries every tenant's requests
   * share (the catalog's snapshot, the limiter settings): another tenant's gateway key is no
   * reason for all of them to wait on a reload.
   */
  tables?: readonly string[];
  now?: () => number;
}

interface Entry<V> {
  /** The value, already resolved: handed to every request that reads the entry. */
  value: Promise<V>;
  /** When the load that produced it started: its age counts from there. */
  loadedAt: number;
  /** Past this it is never returned (loadedAt + maxAgeMs as they were for that load). */
  expiresAt: number;
  /** RefreshAheadOptions.organizationOf's answer for it. */
  organizationId: string | null;
}

/**
 * A cache for what the request path reads from the database on every request (a gateway key's
 * identity, a project's flags, an organization's stored keys…). A plain TTL made a request
 * wait for the database each time an entry expired — several entries, every half second, each
 * one behind whatever else the database was doing, which was most of the gateway's p99.
 * Here an entry older than `freshMs` is still returned while one load (shared by every
 * request) replaces it in the background; only past `maxAgeMs` does a request wait. A change
 * in the database (a revocation, a flag) therefore applies within `maxAgeMs`, and under steady
 * traffic within `freshMs` plus one load — or, while changes are announced, as soon as the
 * announcement arrives. An announcement names the organization whose configuration changed:
 * dropping every tenant's entries for it made one tenant's changes, four a second, cost every
 * other tenant a wait on its reloads (`bench/tail-probe.ts --tenants 100 --churn 250`). A load
 * that fails is not kept: the entry ages out (while announced, the entry it was to replace stays
 * in use, and its reload is tried again).
 */
export class RefreshAheadCache<V extends {}, C = undefined> {
  /**
   * In order of loading: an entry in use is loaded again every `freshMs`, which moves it to the
   * end, so evicting the first is close to least-recently-used — and a Map's get is a tenth of
   * an LRU's with expiry, which the request path paid about ten times per request.
   */
  private readonly entries = new Map<string, Entry<V>>();
  /** The entries of no organization (organizationOf gave null), kept and evicted apart (maxUnowned). */
  private readonly unowned = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  private readonly now: () => number;
  /**
   * Counts announcements and clears, so a load that was running when one came does not put back
   * what it read before: `clearedAt` is the count at the last clear of everything, `forgottenAt`
   * each organization's at its last announced change (kept only while loads are running).
   */
  private changes = 0;
  private clearedAt = 0;
  private readonly forgottenAt = new Map<string, number>();
  /** Loads started and not finished, kept in `loading` or not. */
  private running = 0;
  /** Whether every change is being announced (options.changes is live). */
  private announced = false;
  /** While announced: when the next safety-net reload may start (SAFETY_NET_RELOADS). */
  private nextSafetyNetAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly load: (key: string, context: C) => Promise<V>,
    private readonly options: RefreshAheadOptions<V>,
  ) {
    // Ages are intervals: a monotonic clock, so a wall clock stepped back cannot stretch them.
    this.now = options.now ?? (() => performance.now());
    options.changes?.subscribe({
      changed: (scope) => this.forget(scope),
      // Either way what is cached may predate a change that was not announced.
      live: (live) => {
        this.announced = live;
        this.clear();
      },
    });
  }

  /** The entry for `key`; `context` is handed to the load when one runs. */
  get(key: string, ...[context]: C extends undefined ? [] : [C]): Promise<V> {
    const entry = this.entries.get(key) ?? this.unowned.get(key);
    if (!entry) return this.reload(key, context as C);
    const now = this.now();
    if (now >= entry.expiresAt) {
      this.mapOf(entry).delete(key);
      return this.reload(key, context as C);
    }
    if (now - entry.loadedAt >= this.ages().freshMs && this.mayRefresh(key, now)) this.reload(key, context as C).catch(() => {});
    return entry.value;
  }

  /** Forget everything (this instance changed what the entries hold): the next request loads afresh. */
  clear(): void {
    this.changes += 1;
    this.clearedAt = this.changes;
    this.forgottenAt.clear();
    this.entries.clear();
    this.unowned.clear();
    this.loading.clear();
  }

  /**
   * Forget what an announced change may have made wrong, if it was to a table the entries are
   * read from: the entries of the organizations it names and those of no one organization, or
   * everything. What a load running now reads is
   * not kept if it is one of those (it may predate the change); the entries of other
   * organizations stay in use, and so do their loads' answers: a tenant whose loads take longer
   * than the announcements' interval would otherwise never have an entry while another changes.
   * Requests from now on start loads of their own.
   */
  private forget(scope: ChangeScope): void {
    const { tables } = this.options;
    if (tables && scope.tables && !tables.some((table) => scope.tables?.has(table))) return;
    if (!scope.organizations) {
      this.clear();
      return;
    }
    this.changes += 1;
    if (this.running > 0) for (const organizationId of scope.organizations) this.forgottenAt.set(organizationId, this.changes);
    this.loading.clear();
    this.unowned.clear();
    for (const [key, entry] of this.entries) if (scope.organizations.has(entry.organizationId as string)) this.entries.delete(key);
  }

  /** Whether what a load started at change count `seen` read for `organizationId` is still current. */
  private current(organizationId: string | null, seen: number): boolean {
    if (this.clearedAt > seen) return false;
    // Every announcement that reaches this cache (one of its tables) drops the entries of no one organization.
    if (organizationId === null) return this.changes === seen;
    return (this.forgottenAt.get(organizationId) ?? 0) <= seen;
  }

  /**
   * Whether a background reload of `key` starts now: always on the timer (its entries expire),
   * while announced only within the safety net's rate; a key that must wait is tried again by
   * its next request.
   */
  private mayRefresh(key: string, now: number): boolean {
    if (!this.announced || this.loading.has(key)) return true;
    // A cell rate: one start every SAFETY_NET_SPACING_MS on average, SAFETY_NET_BURST at once.
    if (this.nextSafetyNetAt - now > SAFETY_NET_TOLERANCE_MS) return false;
    this.nextSafetyNetAt = Math.max(this.nextSafetyNetAt, now) + SAFETY_NET_SPACING_MS;
    return true;
  }

  private ages(): { freshMs: number; maxAgeMs: number } {
    return this.announced ? ANNOUNCED_CACHE : this.options;
  }

  private reload(key: string, context: C): Promise<V> {
    const running = this.loading.get(key);
    if (running) return running;
    const startedAt = this.now();
    const seen = this.changes;
    const { maxAgeMs } = this.ages();
    this.running += 1;
    const loading = this.load(key, context)
      .then((value) => {
        const expiresAt = startedAt + maxAgeMs;
        const organizationId = this.options.organizationOf?.(key, value) ?? null;
        if (this.now() < expiresAt && this.current(organizationId, seen))
          this.store(key, { value: Promise.resolve(value), loadedAt: startedAt, expiresAt, organizationId });
        return value;
      })
      .finally(() => {
        this.running -= 1;
        if (this.running === 0) this.forgottenAt.clear();
        if (this.loading.get(key) === loading) this.loading.delete(key);
      });
    this.loading.set(key, loading);
    return loading;
  }

  /** Keep `entry` last in loading order, evicting the first entry of its kind (an organization's, or no one's) when that kind is full. */
  private store(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.unowned.delete(key);
    const map = this.mapOf(entry);
    if (map.size >= (map === this.unowned ? (this.options.maxUnowned ?? this.options.max) : this.options.max)) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, entry);
  }

  private mapOf(entry: Entry<V>): Map<string, Entry<V>> {
    return entry.organizationId === null ? this.unowned : this.entries;
  }
}
