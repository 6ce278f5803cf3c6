import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.js';
import { KEPT_CONNECTIONS } from '../../server/db/postgres-session.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

const IDLE_MS = 50;
const BACKEND = { name: 'kept_backend_pid', text: 'SELECT pg_backend_pid() AS pid FROM pg_sleep(0.1)' };

describe.runIf(availableBackends().includes('postgres'))('connections kept while idle, on PostgreSQL', () => {
  let scratch: Database & { url: string | undefined };
  let db: Database;
  beforeAll(async () => {
    scratch = await createTestDatabase('postgres');
    // Connections idle for 50 ms close (instead of 10 s) unless the pool keeps them.
    db = await openDatabase({ url: scratch.url, poolSize: 4, idleConnectionMs: IDLE_MS });
  });
  afterAll(async () => {
    await db?.close();
    await scratch?.close();
  });

  const alive = async (pids: number[]) => {
    const rows = await scratch.prisma.$queryRawUnsafe<{ pid: number }[]>(
      'SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])',
      pids,
    );
    return rows.map((row) => row.pid).sort();
  };

  it('the hot path keeps both its connections, so the first intent after a quiet spell finds one open', async () => {
    const opened = await Promise.all([0, 1].map(async () => (await db.direct.query<{ pid: number }>(BACKEND, []))[0]?.pid as number));
    expect(new Set(opened).size).toBe(2);
    await sleep(IDLE_MS * 6);
    const after = await Promise.all([0, 1].map(async () => (await db.direct.query<{ pid: number }>(BACKEND, []))[0]?.pid as number));
    expect(after.sort()).toEqual(opened.sort());
  });

  it("Prisma's pool keeps two connections and closes the rest once idle", async () => {
    const opened = await Promise.all(
      [0, 1, 2, 3].map(async () => (await db.prisma.$queryRawUnsafe<{ pid: number }[]>(BACKEND.text))[0]?.pid as number),
    );
    expect(new Set(opened).size).toBe(4);
    await sleep(IDLE_MS * 6);
    const kept = await alive(opened);
    expect(kept).toHaveLength(KEPT_CONNECTIONS);
    // The kept ones serve the next statements: no new backend is started for them.
    const next = await Promise.all(
      [0, 1].map(async () => (await db.prisma.$queryRawUnsafe<{ pid: number }[]>(BACKEND.text))[0]?.pid as number),
    );
    expect(next.sort()).toEqual(kept);
  });
});
