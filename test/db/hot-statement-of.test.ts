import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { hotStatementOf } from '../../server/db/direct-sql.js';
import { Prisma } from '../../server/db/generated/client.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

describe('hotStatementOf: a Prisma.sql statement run as a prepared one', () => {
  it('names each text once, and never two texts alike', () => {
    const first = hotStatementOf('kp_t', Prisma.sql`SELECT ${'a'}::text AS v`);
    const again = hotStatementOf('kp_t', Prisma.sql`SELECT ${'b'}::text AS v`);
    const other = hotStatementOf('kp_t', Prisma.sql`SELECT ${'a'}::text AS w`);
    expect(again.statement).toBe(first.statement);
    expect(again.values).toEqual(['b']);
    expect(other.statement.name).not.toBe(first.statement.name);
    expect(first.statement.name).toMatch(/^kp_t_[0-9a-f]{16}$/);
  });

  it('refuses a parameter that is neither text nor an array of text', () => {
    expect(() => hotStatementOf('kp_t', Prisma.sql`SELECT ${1}::int`)).toThrow(TypeError);
    expect(() => hotStatementOf('kp_t', Prisma.sql`SELECT ${[1]}::int[]`)).toThrow(TypeError);
  });
});

describe.each(availableBackends())('hotStatementOf on the database (%s)', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
  });
  afterAll(() => db?.close());

  it('passes arrays of any text, quotes and backslashes included, as the same array', async () => {
    const hostile = ['', 'plain', 'a"b', 'back\\slash', 'a,b', '{x}', "it's", 'NULL', ' spaced ', '\\"'];
    const { statement, values } = hotStatementOf('kp_t', Prisma.sql`SELECT ${hostile}::text[] AS a, ${'x'}::text AS s, ${[]}::text[] AS e`);
    const [row] = await db.direct.query<{ a: string[]; s: string; e: string[] }>(statement, values);
    expect(row).toEqual({ a: hostile, s: 'x', e: [] });
  });
});
