import pg from 'pg';
import type { Logger } from '../../observability/logger.js';

/** The advisory lock class every instance's liveness lock uses (two-key form: class, hashtext(instance id)). */
const LIVENESS_LOCK_CLASS = 0x6b70;
const RECONNECT_MS = 1_000;

/**
 * SQL that is true while the instance whose id `instanceIdSql` evaluates to holds its liveness
 * lock: its process is alive and connected, however long since it last renewed anything. A
 * killed process's session ends with its socket, and PostgreSQL drops the lock at once.
 */
export function instanceConnectedSql(instanceIdSql: string): string {
  return `EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = ${LIVENESS_LOCK_CLASS}
    AND l.objid = hashtext(${instanceIdSql})::oid AND l.objsubid = 2 AND l.granted)`;
}

/**
 * Holds this instance's liveness lock on a connection of its own for as long as the process
 * lives. Timestamps alone cannot tell a dead instance from a stalled one (a long GC, a starved
 * CPU, a paused VM): sweeping a stalled instance's credit lease gives away credit its requests
 * in flight are about to spend, and recovering its intents records requests it is still
 * serving. With the lock, sweeps and recovery take only what a disconnected instance left.
 * A lost connection is re-opened; until then the instance is judged by its timestamps alone.
 */
export class LivenessLock {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  private constructor(
    private readonly url: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {}

  /** Take the lock in the background (on PostgreSQL; the embedded database serves one process and needs none). */
  static start(url: string | undefined, instanceId: string, logger: Logger): LivenessLock | null {
    if (!url) return null;
    const lock = new LivenessLock(url, instanceId, logger);
    void lock.connect();
    return lock;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'keyplane-liveness', keepAlive: true });
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      // A host that vanishes without closing its socket (power loss, a partition) is noticed by
      // the server's keepalive probes within about 10 s instead of the OS default of hours.
      await client.query('SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3');
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, this.instanceId]);
    } catch (error) {
      this.lost(client, error);
    }
  }

  /** The connection failed or ended: open another (events of a connection already replaced are ignored). */
  private lost(client: pg.Client, error: unknown): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    this.logger.warn({ err: error }, 'Lost the liveness lock connection; reconnecting');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  /** Release the lock (a clean stop): from now on this instance's leftovers may be taken. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
