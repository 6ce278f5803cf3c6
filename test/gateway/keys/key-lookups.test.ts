import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import type { DirectSql } from '../../../server/db/direct-sql.js';
import { AuditService } from '../../../server/domain/audit/audit.service.js';
import { GatewayKeyService } from '../../../server/domain/gateway-keys/gateway-key.service.js';
import { KeyLookups } from '../../../server/gateway/keys/key-lookups.js';
import { hashSecret, newGatewayKeySecret } from '../../../server/secrets/tokens.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

describe.each(availableBackends())('gateway keys looked up a batch at a time (%s)', (backend) => {
  let db: Database;
  const existing = [newGatewayKeySecret(), newGatewayKeySecret()].map(hashSecret);
  const keyIds: string[] = [];
  let projectId: string;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    const organizationId = randomUUID();
    projectId = randomUUID();
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Organization" (id, name, slug, "updatedAt") VALUES ($1, 'Org', $1, now())`,
      organizationId,
    );
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Project" (id, "organizationId", name, "updatedAt") VALUES ($1, $2, 'p', now())`,
      projectId,
      organizationId,
    );
    for (const hash of existing) {
      keyIds.push(randomUUID());
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "GatewayKey" (id, "projectId", name, hash, prefix) VALUES ($1, $2, 'k', $3, 'kp_')`,
        keyIds.at(-1),
        projectId,
        hash,
      );
    }
  });
  afterAll(() => db?.close());

  /** Lookups through the hot path's statements, counted, or failing as `failure` says. */
  function lookups(failure: { now: 'reject' | 'throw' | null } = { now: null }): { keys: KeyLookups; statements: () => number } {
    let statements = 0;
    const direct: DirectSql = {
      query: (statement, values) => {
        statements += 1;
        if (failure.now === 'throw') throw new Error('driver broke');
        if (failure.now === 'reject') return Promise.reject(new Error('connection lost'));
        return db.direct.query(statement, values);
      },
      close: async () => {},
    };
    return { keys: new KeyLookups(new GatewayKeyService(db.prisma, direct, new AuditService(db.prisma))), statements: () => statements };
  }

  it('answers a flood of unknown keys with one statement in flight, and finds the keys that exist among them', async () => {
    const { keys, statements } = lookups();
    const guesses = Array.from({ length: 500 }, () => hashSecret(newGatewayKeySecret()));
    // The same key asked twice at once, and the real keys mixed in with the guesses.
    const asked = [...guesses.slice(0, 250), existing[0]!, existing[0]!, ...guesses.slice(250), existing[1]!];
    const answers = await Promise.all(asked.map((hash) => keys.find(hash)));
    expect(answers.filter(Boolean)).toHaveLength(3);
    expect([answers[250]?.id, answers[251]?.id, answers.at(-1)?.id]).toEqual([keyIds[0], keyIds[0], keyIds[1]]);
    expect(answers[250]).toMatchObject({ projectId, mode: 'API_KEYS', byokFeeRate: '0.000000', attributionBudgets: [] });
    // The first alone, then everything that waited meanwhile (two batches of at most 1,000).
    expect(statements()).toBeLessThanOrEqual(3);
    // Asked with text that is no hash (the statement's parameter is one JSON array): no match.
    for (const hostile of [`${existing[0]},x`, `${existing[0]}"]`, `x' OR '1'='1`]) expect(await keys.find(hostile)).toBeNull();
    expect((await keys.find(existing[1]!))?.id).toBe(keyIds[1]);
  });

  it('fails the batch whose statement fails (or throws), and answers the next', async () => {
    const failure: { now: 'reject' | 'throw' | null } = { now: 'reject' };
    const { keys } = lookups(failure);
    const guess = hashSecret(newGatewayKeySecret());
    await expect(Promise.all([keys.find(guess), keys.find(existing[0]!)])).rejects.toThrow('connection lost');
    failure.now = 'throw';
    await expect(keys.find(guess)).rejects.toThrow('driver broke');
    failure.now = null;
    const answers = await Promise.all([keys.find(guess), keys.find(existing[0]!)]);
    expect(answers.map((identity) => identity?.id ?? null)).toEqual([null, keyIds[0]]);
  });
});
