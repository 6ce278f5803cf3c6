import type pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { DedicatedSession } from './dedicated-session.js';

/** The channel the database announces configuration changes on (migration config_change_notifications). */
export const CONFIG_CHANGE_CHANNEL = 'keyplane_config';

/** How often the listening session must answer, and how long it may take, before it is given up as lost. */
const HEARTBEAT_MS = 1_000;

export interface ConfigChangeListener {
  /** A change to what the request path caches was committed. */
  changed(): void;
  /**
   * Whether every change is announced from now on (true), or one could be missed (false: the
   * listening session was lost). Called at once on subscribing while announcements are live.
   */
  live(live: boolean): void;
}

/**
 * Committed changes to gateway keys, projects, organizations' settings, stored keys, custom
 * providers, limiter settings, flags, budgets, price overrides and aliases, as the database
 * announces them (a trigger's NOTIFY, delivered at commit): the request path's caches keep
 * entries until one arrives instead of reloading each twice a second.
 */
export interface ConfigChanges {
  subscribe(listener: ConfigChangeListener): void;
  close(): Promise<void>;
}

/** The listeners and the live state every kind of database shares. */
class ChangeFeed implements ConfigChanges {
  private readonly listeners = new Set<ConfigChangeListener>();
  private isLive = false;

  constructor(readonly close: () => Promise<void>) {}

  subscribe(listener: ConfigChangeListener): void {
    this.listeners.add(listener);
    if (this.isLive) listener.live(true);
  }

  changed(): void {
    for (const listener of this.listeners) listener.changed();
  }

  live(live: boolean): void {
    if (this.isLive === live) return;
    this.isLive = live;
    for (const listener of this.listeners) listener.live(live);
  }
}

/**
 * On a PostgreSQL server: LISTEN on a session of its own. A lost session is reported (caches
 * fall back to reloading on a timer) and re-opened. A socket can die without an error (a
 * partition), so the session must answer a query every second or is given up as lost.
 */
export function postgresConfigChanges(url: string, logger: Logger): ConfigChanges {
  const session: DedicatedSession = new DedicatedSession({
    url,
    name: 'keyplane-config-changes',
    purpose: 'configuration change notifications',
    logger,
    prepare: async (client) => {
      client.on('notification', (message) => {
        if (message.channel === CONFIG_CHANGE_CHANNEL && session.current === client) feed.changed();
      });
      await client.query(`LISTEN ${CONFIG_CHANGE_CHANNEL}`);
    },
    up: () => feed.live(true),
    down: () => feed.live(false),
  });
  const heartbeat = setInterval(() => {
    const client = session.current;
    if (client) answersWithin(client, HEARTBEAT_MS).catch((error: unknown) => session.reset(client, error));
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const feed = new ChangeFeed(async () => {
    clearInterval(heartbeat);
    feed.live(false);
    await session.close();
  });
  session.start();
  return feed;
}

/** Resolves when `client` answers a trivial query within `ms`, rejects otherwise. */
function answersWithin(client: pg.Client, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The session did not answer within ${ms} ms`)), ms);
    client.query('SELECT 1').then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
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
export function embeddedConfigChanges(listen: (channel: string, onNotification: () => void) => Promise<unknown>): ConfigChanges {
  let closed = false;
  const feed = new ChangeFeed(async () => {
    closed = true;
    feed.live(false);
  });
  listen(CONFIG_CHANGE_CHANNEL, () => feed.changed()).then(
    () => {
      if (!closed) feed.live(true);
    },
    // Not listening: caches keep reloading on their timer.
    () => {},
  );
  return feed;
}
