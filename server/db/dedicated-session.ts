import pg from 'pg';
import type { Logger } from '../observability/logger.js';

const RECONNECT_MS = 1_000;

export interface DedicatedSessionOptions {
  url: string;
  /** application_name, so an operator can tell the session apart in pg_stat_activity. */
  name: string;
  /** What the session is for, as a log line says it ("the liveness lock"). */
  purpose: string;
  logger: Logger;
  /** Run on each new connection before it counts as up (take a lock, LISTEN…); a throw counts as lost. */
  prepare(client: pg.Client): Promise<void>;
  /** The session is up on `client` (again). */
  up?(client: pg.Client): void;
  /** The session was lost; another connection is opened after RECONNECT_MS. */
  down?(): void;
}

/**
 * A PostgreSQL session of keyplane's own, kept open for as long as the process lives, for what a
 * pooled connection cannot hold: a session-level advisory lock, a LISTEN. A connection that
 * fails or ends is replaced after a second, and events of one already replaced are ignored.
 */
export class DedicatedSession {
  private client: pg.Client | null = null;
  /** Whether `client` is prepared. */
  private ready = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly options: DedicatedSessionOptions) {}

  start(): this {
    void this.connect();
    return this;
  }

  /** The connection now up (prepared), if any. */
  get current(): pg.Client | null {
    return this.ready ? this.client : null;
  }

  /** Give up on `client` (it stopped answering, say) and open another. */
  reset(client: pg.Client, error: unknown): void {
    this.lost(client, error);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.url, application_name: this.options.name, keepAlive: true });
    this.client = client;
    this.ready = false;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      // A host that vanishes without closing its socket (power loss, a partition) is noticed by
      // the server's keepalive probes within about 10 s instead of the OS default of hours.
      await client.query('SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3');
      await this.options.prepare(client);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.ready = true;
    this.options.up?.(client);
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    this.ready = false;
    client.end().catch(() => {});
    this.options.down?.();
    this.options.logger.warn({ err: error }, `Lost the connection for ${this.options.purpose}; reconnecting`);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  /** End the session for good. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.ready = false;
    await client?.end().catch(() => {});
  }
}
