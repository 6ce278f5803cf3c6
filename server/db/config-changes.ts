import type pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { DedicatedSession } from './dedicated-session.js';

/**
 * The channel the database announces configuration changes on, '<table>:<organization>'
 * (migration config_changes_name_their_table). The triggers also still announce the bare
 * organization on 'keyplane_config', which instances of the release before listen on: during a
 * rolling upgrade they would read the new payload as an organization no entry belongs to, and
 * keep a revoked key for up to a minute.
 */
export const CONFIG_CHANGE_CHANNEL = 'keyplane_config_changes';

/** How often the listening session is asked to answer a query. */
const HEARTBEAT_MS = 1_000;
/** How long it may take to answer before it is given up as lost. */
const HEARTBEAT_TIMEOUT_MS = 2_000;

/**
 * Announcements reach the caches at most this often: the rest wait (and merge) until then. A
 * tenant can change its own settings as fast as the API lets it; each announcement makes every
 * instance reload that organization's entries in use, and the entries that are no one
 * organization's and read from the changed tables (unknown keys; the catalog's snapshot only
 * for price overrides and aliases). Unthrottled, one tenant's script could keep those
 * reloading. So a change applies within this long of its commit.
 */
export const ANNOUNCE_EVERY_MS = 250;

/**
 * What an announcement covers: the organizations whose configuration changed (null: anyone's —
 * a flag, a limiter setting, an operator's price override or alias, a TRUNCATE) and the tables
 * the changes were to (null: any — the session was lost, or a payload without a table).
 */
export interface ChangeScope {
  organizations: ReadonlySet<string> | null;
  tables: ReadonlySet<string> | null;
}

export const EVERYTHING: ChangeScope = { organizations: null, tables: null };

/**
 * One announcement's payload, as the triggers write it (migration
 * config_changes_name_their_table): '<table>:<organization>', or '<table>:' for a change that is
 * anyone's. One without a table (written by the triggers before it) is an organization's change
 * to any table, '' anyone's.
 */
export function parseAnnouncement(payload: string): { table: string | null; organizationId: string } {
  const colon = payload.indexOf(':');
  if (colon < 0) return { table: null, organizationId: payload };
  return { table: payload.slice(0, colon), organizationId: payload.slice(colon + 1) };
}

export interface ConfigChangeListener {
  /** A change to what the request path caches was committed. */
  changed(scope: ChangeScope): void;
  /**
   * Whether every change is announced from now on (true), or one could be missed (false: the
   * listening session was lost). Called at once on subscribing while announcements are live.
   */
  live(live: boolean): void;
}

/**
 * Committed changes to gateway keys, projects, organizations' settings, stored keys, custom
 * providers, limiter settings, flags, budgets, price overrides and aliases, as the database
 * announces them (a trigger's NOTIFY, delivered at commit, naming the organization): the request
 * path's caches keep entries until one arrives instead of reloading each twice a second.
 */
export interface ConfigChanges {
  subscribe(listener: ConfigChangeListener): void;
  close(): Promise<void>;
}

/** The listeners and the live state every kind of database shares. */
class ChangeFeed implements ConfigChanges {
  private readonly listeners = new Set<ConfigChangeListener>();
  private isLive = false;
  private lastAnnounced = Number.NEGATIVE_INFINITY;
  private pending: NodeJS.Timeout | null = null;
  /** What the changes waiting for the next announcement cover so far (merged: null is everything). */
  private waitingOrganizations: Set<string> | null = new Set();
  private waitingTables: Set<string> | null = new Set();

  constructor(private readonly stop: () => Promise<void>) {}

  subscribe(listener: ConfigChangeListener): void {
    this.listeners.add(listener);
    if (this.isLive) listener.live(true);
  }

  /** A change was committed (its announcement's payload): announced now, or with the others at the end of ANNOUNCE_EVERY_MS. */
  changed(payload = ''): void {
    const { table, organizationId } = parseAnnouncement(payload);
    if (!organizationId) this.waitingOrganizations = null;
    else this.waitingOrganizations?.add(organizationId);
    if (!table) this.waitingTables = null;
    else this.waitingTables?.add(table);
    if (this.pending) return;
    const wait = this.lastAnnounced + ANNOUNCE_EVERY_MS - performance.now();
    if (wait <= 0) this.announce();
    else this.pending = setTimeout(() => this.announce(), wait);
  }

  live(live: boolean): void {
    if (this.isLive === live) return;
    this.isLive = live;
    for (const listener of this.listeners) listener.live(live);
  }

  async close(): Promise<void> {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.live(false);
    await this.stop();
  }

  private announce(): void {
    const scope: ChangeScope = { organizations: this.waitingOrganizations, tables: this.waitingTables };
    this.pending = null;
    this.waitingOrganizations = new Set();
    this.waitingTables = new Set();
    this.lastAnnounced = performance.now();
    for (const listener of this.listeners) listener.changed(scope);
  }
}

/**
 * On a PostgreSQL server: LISTEN on a session of its own. A lost session is reported (caches
 * fall back to reloading on a timer) and re-opened. A socket can die without an error (a
 * partition), so the session is asked a query every second and given up as lost when one goes
 * unanswered for two.
 */
export function postgresConfigChanges(url: string, logger: Logger): ConfigChanges {
  const session: DedicatedSession = new DedicatedSession({
    url,
    name: 'keyplane-config-changes',
    purpose: 'configuration change notifications',
    logger,
    prepare: async (client) => {
      client.on('notification', (message) => {
        if (message.channel === CONFIG_CHANGE_CHANNEL && session.current === client) feed.changed(message.payload);
      });
      await client.query(`LISTEN ${CONFIG_CHANGE_CHANNEL}`);
    },
    up: () => feed.live(true),
    down: () => feed.live(false),
  });
  const heartbeat = setInterval(() => {
    const client = session.current;
    if (client) answersWithin(client, HEARTBEAT_TIMEOUT_MS).catch((error: unknown) => session.reset(client, error));
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const feed = new ChangeFeed(async () => {
    clearInterval(heartbeat);
    await session.close();
  });
  session.start();
  return feed;
}

/**
 * Resolves when `client` answers a trivial query within `ms`, rejects otherwise. A timer that
 * fires late (the event loop was busy) runs before the socket's data is read: the verdict waits
 * for the next check phase, after I/O, so an answer already in is not mistaken for none.
 */
function answersWithin(client: pg.Client, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!answered) reject(new Error(`The session did not answer within ${ms} ms`));
        }),
      ms,
    );
    client.query('SELECT 1').then(
      () => {
        answered = true;
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        answered = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * On the embedded database: one process holds it (the data dir is locked), so announcements
 * cannot be missed once listening. `listen` is PGlite's (here or in its worker): it resolves
 * once listening.
 */
export function embeddedConfigChanges(
  listen: (channel: string, onNotification: (payload: string) => void) => Promise<unknown>,
): ConfigChanges {
  let closed = false;
  const feed = new ChangeFeed(async () => {
    closed = true;
  });
  listen(CONFIG_CHANGE_CHANNEL, (payload) => feed.changed(payload)).then(
    () => {
      if (!closed) feed.live(true);
    },
    // Not listening: caches keep reloading on their timer.
    () => {},
  );
  return feed;
}
