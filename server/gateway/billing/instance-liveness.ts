import { DedicatedSession } from '../../db/dedicated-session.js';
import type { Logger } from '../../observability/logger.js';

/** The advisory lock class every instance's liveness lock uses (two-key form: class, hashtext(instance id)). */
const LIVENESS_LOCK_CLASS = 0x6b70;

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
  private constructor(private readonly session: DedicatedSession) {}

  /** Take the lock in the background (on PostgreSQL; the embedded database serves one process and needs none). */
  static start(url: string | undefined, instanceId: string, logger: Logger): LivenessLock | null {
    if (!url) return null;
    const session = new DedicatedSession({
      url,
      name: 'keyplane-liveness',
      purpose: 'the liveness lock',
      logger,
      prepare: async (client) => {
        await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, instanceId]);
      },
    });
    return new LivenessLock(session.start());
  }

  /** Release the lock (a clean stop): from now on this instance's leftovers may be taken. */
  close(): Promise<void> {
    return this.session.close();
  }
}
