import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { isTransientConflict, retryConflicts } from '../../server/db/transient-conflict.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

describe('transient conflicts', () => {
  it('recognises a deadlock or serialization failure through any wrapping, and nothing else', () => {
    expect(isTransientConflict({ code: '40P01' })).toBe(true);
    expect(isTransientConflict({ code: 'P2010', meta: { code: '40001', message: 'could not serialize access' } })).toBe(true);
    expect(isTransientConflict(new Error('Raw query failed. Code: `40P01`. Message: `deadlock detected`'))).toBe(true);
    expect(isTransientConflict({ message: 'wrapped', cause: { originalCode: '40P01' } })).toBe(true);
    expect(isTransientConflict({ code: '23505', message: 'duplicate key value violates unique constraint' })).toBe(false);
    expect(isTransientConflict(new Error('Connection terminated'))).toBe(false);
    expect(isTransientConflict(null)).toBe(false);
  });

  it('runs a conflicted statement again, and gives up on anything else or after the last attempt', async () => {
    let calls = 0;
    await expect(
      retryConflicts(async () => {
        calls += 1;
        if (calls < 3) throw { code: '40P01' };
        return 'done';
      }),
    ).resolves.toBe('done');
    expect(calls).toBe(3);

    calls = 0;
    const other = new Error('syntax error');
    await expect(
      retryConflicts(async () => {
        calls += 1;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      retryConflicts(async () => {
        calls += 1;
        throw { code: '40001' };
      }, 3),
    ).rejects.toEqual({ code: '40001' });
    expect(calls).toBe(3);
  });
});

describe.skipIf(!availableBackends().includes('postgres'))('a real deadlock on PostgreSQL', () => {
  let db: Database & { url: string | undefined };
  let other: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    other = new pg.Client({ connectionString: db.url });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await db?.close();
  });

  it('is what Prisma throws when PostgreSQL picks its statement as the victim', async () => {
    // The other session waits 10 s before checking for a deadlock, Prisma's 1 s: Prisma's is aborted.
    await other.query("SET deadlock_timeout = '10s'");
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock(7001)');
    const prismaSide = db.prisma.$queryRawUnsafe('SELECT pg_advisory_xact_lock(7002), pg_sleep(0.3), pg_advisory_xact_lock(7001)');
    const caught = prismaSide.then(
      () => null,
      (error: unknown) => error,
    );
    // Ask for 7002 only once Prisma's session holds it, however slow the machine.
    for (let waited = 0; waited < 10_000; waited += 25) {
      const held = await other.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 7002 AND granted");
      if (held.rowCount) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const otherSide = other.query('SELECT pg_advisory_xact_lock(7002)');
    const error = await caught;
    await otherSide;
    await other.query('ROLLBACK');
    expect(error).not.toBeNull();
    expect(isTransientConflict(error)).toBe(true);
  }, 30_000);
});
