import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import type { DirectSql } from '../../../server/db/direct-sql.js';
import { KnownKeyHashes } from '../../../server/gateway/keys/known-key-hashes.js';
import { hashSecret, newGatewayKeySecret } from '../../../server/secrets/tokens.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

describe.each(availableBackends())('which gateway keys exist, asked a batch at a time (%s)', (backend) => {
  let db: Database;
  const existing = [newGatewayKeySecret(), newGatewayKeySecret()].map(hashSecret);

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    const organizationId = randomUUID();
    const projectId = randomUUID();
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Organization" (id, name, slug, "updatedAt") VALUES ($1, 'Org', $1, now())`,
      organizationId,
    );
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Project" (id, "organizationId", name, "updatedAt") VALUES ($1, $2, 'p', now())`,
      projectId,
      organizationId,
    );
    for (const hash of existing)
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "GatewayKey" (id, "projectId", name, hash, prefix) VALUES ($1, $2, 'k', $3, 'kp_')`,
        randomUUID(),
        projectId,
        hash,
      );
  });
  afterAll(() => db?.close());

  /** The database's hot-path statements, counted. */
  function counted(): { direct: DirectSql; statements: () => number } {
    let statements = 0;
    return {
      direct: {
        query: (statement, values) => {
          statements += 1;
          return db.direct.query(statement, values);
        },
        close: async () => {},
      },
      statements: () => statements,
    };
  }

  it('answers a flood of unknown keys with one statement in flight, and finds the keys that exist among them', async () => {
    const { direct, statements } = counted();
    const known = new KnownKeyHashes(direct);
    const guesses = Array.from({ length: 500 }, () => hashSecret(newGatewayKeySecret()));
    // The same key asked twice at once, and the real keys mixed in with the guesses.
    const asked = [...guesses.slice(0, 250), existing[0]!, existing[0]!, ...guesses.slice(250), existing[1]!];
    const answers = await Promise.all(asked.map((hash) => known.has(hash)));
    expect(answers.filter(Boolean)).toHaveLength(3);
    expect([answers[250], answers[251], answers.at(-1)]).toEqual([true, true, true]);
    // The first alone, then everything that waited meanwhile (two batches of at most 1,000).
    expect(statements()).toBeLessThanOrEqual(3);
    // Asked with text that is no hash (the statement's parameter is one JSON array): no match.
    for (const hostile of [`${existing[0]},x`, `${existing[0]}"]`, `x' OR '1'='1`]) expect(await known.has(hostile)).toBe(false);
    expect(await known.has(existing[1]!)).toBe(true);
  });

  it('answers "look it up" when its statement fails (or throws), and answers the next batch', async () => {
    let failure: 'reject' | 'throw' | null = 'reject';
    const known = new KnownKeyHashes({
      query: (statement, values) => {
        if (failure === 'throw') throw new Error('driver broke');
        if (failure === 'reject') return Promise.reject(new Error('connection lost'));
        return db.direct.query(statement, values);
      },
      close: async () => {},
    });
    const guess = hashSecret(newGatewayKeySecret());
    expect(await known.has(guess)).toBe(true);
    failure = 'throw';
    expect(await known.has(guess)).toBe(true);
    failure = null;
    expect(await Promise.all([known.has(guess), known.has(existing[0]!)])).toEqual([false, true]);
  });
});
