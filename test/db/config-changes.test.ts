import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigChanges, postgresConfigChanges } from '../../server/db/config-changes.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/observability/logger.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

const logger = createLogger({ level: 'silent' });

/** What a feed told its listener, in order. */
function record(feed: ConfigChanges) {
  const events: ('changed' | 'live' | 'down')[] = [];
  feed.subscribe({ changed: () => events.push('changed'), live: (live) => events.push(live ? 'live' : 'down') });
  const count = (event: 'changed' | 'live' | 'down') => events.filter((seen) => seen === event).length;
  return {
    events,
    count,
    /** Waits (up to 5 s) until `event` has been seen `times` times in all. */
    async until(event: 'changed' | 'live' | 'down', times: number) {
      for (let i = 0; i < 250 && count(event) < times; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      return count(event);
    },
  };
}

describe.each(availableBackends())('announced configuration changes (%s)', (backend) => {
  let db: Database & { url: string | undefined };
  let seen: ReturnType<typeof record>;
  let organizationId: string;
  let projectId: string;
  const sql = (text: string, ...values: unknown[]) => db.prisma.$executeRawUnsafe(text, ...values);

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    seen = record(db.configChanges(logger));
    expect(await seen.until('live', 1)).toBe(1);
    organizationId = randomUUID();
    projectId = randomUUID();
    await sql(`INSERT INTO "Organization" (id, name, slug, "updatedAt") VALUES ($1, 'Org', $1, now())`, organizationId);
    await sql(`INSERT INTO "Project" (id, "organizationId", name, "updatedAt") VALUES ($1, $2, 'p', now())`, projectId, organizationId);
    await sql(`INSERT INTO "FeatureFlag" (key, "updatedAt") VALUES ('hosted-key-llm', now()) ON CONFLICT DO NOTHING`);
    await seen.until('changed', 3);
  });
  afterAll(() => db?.close());

  /** Runs `change`, then a change that is announced, and returns how many announcements `change` made. */
  async function announcementsOf(change: () => Promise<unknown>): Promise<number> {
    const before = seen.count('changed');
    await change().catch(() => {});
    await sql(`UPDATE "Project" SET name = $2 WHERE id = $1`, projectId, `p-${randomUUID()}`);
    // Delivered in commit order: once the marker's announcement is in, any of `change`'s is too.
    await seen.until('changed', before + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return seen.count('changed') - before - 1;
  }

  it('announces each committed change to what the gateway caches', async () => {
    const keyId = randomUUID();
    const changes: [string, () => Promise<unknown>][] = [
      [
        'a new gateway key',
        () => sql(`INSERT INTO "GatewayKey" (id, "projectId", name, hash, prefix) VALUES ($1, $2, 'k', $1, 'kp_')`, keyId, projectId),
      ],
      ['a revocation', () => sql(`UPDATE "GatewayKey" SET "revokedAt" = now() WHERE id = $1`, keyId)],
      ['a deleted key', () => sql(`DELETE FROM "GatewayKey" WHERE id = $1`, keyId)],
      ["a project's mode", () => sql(`UPDATE "Project" SET mode = 'CREDITS' WHERE id = $1`, projectId)],
      ["an organization's model list", () => sql(`UPDATE "Organization" SET "deniedModels" = '{gpt-4o}' WHERE id = $1`, organizationId)],
      ["an organization's BYOK fee", () => sql(`UPDATE "Organization" SET "byokFeeRate" = 0.05 WHERE id = $1`, organizationId)],
      [
        'a flag override',
        () =>
          sql(
            `INSERT INTO "FeatureFlagOverride" (id, "flagKey", scope, "scopeId", enabled, "updatedAt") VALUES ($1, 'hosted-key-llm', 'PROJECT', $2, true, now())`,
            randomUUID(),
            projectId,
          ),
      ],
      [
        'a limiter setting',
        () => sql(`INSERT INTO "ProviderSetting" (provider, "limiterMode", "updatedAt") VALUES ($1, 'QUEUE', now())`, `p${randomUUID()}`),
      ],
      [
        'an alias',
        () => sql(`INSERT INTO "ModelAlias" (id, name, targets, "updatedAt") VALUES ($1, 'fast', '{gpt-4o-mini}', now())`, randomUUID()),
      ],
    ];
    for (const [what, change] of changes) expect([what, await announcementsOf(change)]).toEqual([what, 1]);
  });

  it('announces nothing for a rolled-back change, or for settlement moving an organization’s balance', async () => {
    const rolledBack = () =>
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE "Project" SET mode = 'HYBRID' WHERE id = $1`, projectId);
        throw new Error('rolled back');
      });
    expect(await announcementsOf(rolledBack)).toBe(0);
    const settlement = () =>
      sql(
        `UPDATE "Organization" SET "creditBalance" = "creditBalance" - 1, "creditReserved" = "creditReserved" + 1, "updatedAt" = now() WHERE id = $1`,
        organizationId,
      );
    expect(await announcementsOf(settlement)).toBe(0);
    // A usage record or a budget's spend is not configuration either.
    const spend = () => sql(`INSERT INTO "BudgetSpend" ("budgetId", period, "spentUsd") VALUES ($1, 'total', 1)`, randomUUID());
    expect(await announcementsOf(spend)).toBe(0);
  });
});

describe.skipIf(!availableBackends().includes('postgres'))('announced configuration changes: a lost session (PostgreSQL)', () => {
  let db: Database & { url: string | undefined };
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db?.close());

  const touch = () =>
    db.prisma.$executeRawUnsafe(`INSERT INTO "ModelAlias" (id, name, targets, "updatedAt") VALUES ($1, 'a', '{x}', now())`, randomUUID());

  it('reports a killed session as down, reconnects, and announces again', async () => {
    const seen = record(db.configChanges(logger));
    expect(await seen.until('live', 1)).toBe(1);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'keyplane-config-changes' AND datname = current_database()`,
      );
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    expect(await seen.until('down', 1)).toBe(1);
    expect(await seen.until('live', 2)).toBe(2);
    const before = seen.count('changed');
    await touch();
    expect(await seen.until('changed', before + 1)).toBe(before + 1);
  });

  it('gives up a session that stops answering (a partition) and is live again once the network is back', async () => {
    const url = new URL(db.url as string);
    const proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    const feed = postgresConfigChanges(url.toString(), logger);
    try {
      const seen = record(feed);
      expect(await seen.until('live', 1)).toBe(1);
      proxy.stall();
      // No error and no end on the socket: only the heartbeat can tell.
      expect(await seen.until('down', 1)).toBe(1);
      proxy.restore();
      expect(await seen.until('live', 2)).toBe(2);
      const before = seen.count('changed');
      await touch();
      expect(await seen.until('changed', before + 1)).toBe(before + 1);
    } finally {
      await feed.close();
      await proxy.close();
    }
  });
});
