import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { hotPathSessionUrl, postgresSessionUrl } from '../../server/db/postgres-session.js';
import { RECOVER_INTENTS_SQL } from '../../server/gateway/billing/usage-intent-sql.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

describe('PostgreSQL session settings', () => {
  it('turns JIT off, keeping the options an operator wrote, and never overriding their own jit', () => {
    const options = (url: string) => new URL(postgresSessionUrl(url)).searchParams.get('options');
    expect(options('postgresql://kp:secret@db.internal:5432/keyplane')).toBe('-c jit=off');
    expect(options('postgresql://kp@db/keyplane?sslmode=require&options=-c%20statement_timeout%3D5000')).toBe(
      '-c statement_timeout=5000 -c jit=off',
    );
    expect(new URL(postgresSessionUrl('postgresql://kp@db/keyplane?sslmode=require')).searchParams.get('sslmode')).toBe('require');
    expect(options('postgresql://kp@db/keyplane?options=-c%20jit%3Don')).toBe('-c jit=on');
    expect(postgresSessionUrl('host=db dbname=keyplane')).toBe('host=db dbname=keyplane');
    // Credentials, host and database come through unchanged, however the password is spelled.
    const url = new URL(postgresSessionUrl('postgresql://kp:p%40ss%3Aw%2Frd^|`{}@[::1]:5433/keyplane'));
    expect([decodeURIComponent(url.password), url.hostname, url.port, url.pathname]).toEqual([
      'p@ss:w/rd^|`{}',
      '[::1]',
      '5433',
      '/keyplane',
    ]);
  });

  it('plans the hot path without sequential scans, unless the operator set it', () => {
    const options = (url: string) => new URL(hotPathSessionUrl(url)).searchParams.get('options');
    expect(options('postgresql://kp@db/keyplane')).toBe('-c jit=off -c enable_seqscan=off');
    expect(options('postgresql://kp@db/keyplane?options=-c%20enable_seqscan%3Don')).toBe('-c enable_seqscan=on -c jit=off');
    expect(hotPathSessionUrl('host=db dbname=keyplane')).toBe('host=db dbname=keyplane');
  });
});

describe.runIf(availableBackends().includes('postgres'))('on PostgreSQL', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db?.close());

  it('every connection keyplane opens has JIT off, so billing statements are never compiled', async () => {
    const [prisma] = await db.prisma.$queryRawUnsafe<{ jit: string }[]>('SHOW jit');
    const [direct] = await db.direct.query<{ jit: string }>({ name: 'show_jit', text: 'SHOW jit' }, []);
    expect([prisma?.jit, direct?.jit]).toEqual(['off', 'off']);
    // The statement that spent ~5 s in JIT per recovery pass: planned, never compiled.
    const plan = await db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE) ${RECOVER_INTENTS_SQL}`, 'self', 10, 1000);
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).not.toMatch(/^JIT:/m);
  });
});
