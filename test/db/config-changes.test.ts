import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ANNOUNCE_EVERY_MS,
  type ChangeScope,
  CONFIG_CHANGE_CHANNEL,
  type ConfigChanges,
  embeddedConfigChanges,
  postgresConfigChanges,
} from '../../server/db/config-changes.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/observability/logger.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { availableBackends, type Backend, createTestDatabase } from '../support/test-database.js';

const logger = createLogger({ level: 'silent' });
/** The channel instances of the release before listen on. */
const PREVIOUS_RELEASE_CHANNEL = 'keyplane_config';

/** What a feed told its listener, in order, and what each announcement covered. */
function record(feed: ConfigChanges) {
  const events: ('changed' | 'live' | 'down')[] = [];
  const scopes: ChangeScope[] = [];
  feed.subscribe({
    changed: (scope) => {
      events.push('changed');
      scopes.push(scope);
    },
    live: (live) => events.push(live ? 'live' : 'down'),
  });
  const count = (event: 'changed' | 'live' | 'down') => events.filter((seen) => seen === event).length;
  return {
    events,
    scopes,
    count,
    /** Waits (up to 5 s) until `event` has been seen `times` times in all. */
    async until(event: 'changed' | 'live' | 'down', times: number) {
      for (let i = 0; i < 250 && count(event) < times; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      return count(event);
    },
  };
}

/** A migrated database of either kind, and every NOTIFY on the announcement channel (its payload: '<table>:<organization>', the organization empty for anyone's). */
async function announcingDatabase(backend: Backend) {
  const payloads: string[] = [];
  /** What the channel of the release before carries (the bare organization). */
  const previousRelease: string[] = [];
  if (backend === 'pglite') {
    // In this thread, so the test hears PGlite's notifications itself.
    const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteTemplatePath'))]) });
    await pglite.listen(CONFIG_CHANGE_CHANNEL, (payload) => payloads.push(payload));
    await pglite.listen(PREVIOUS_RELEASE_CHANNEL, (payload) => previousRelease.push(payload));
    return {
      payloads,
      previousRelease,
      exec: async (sql: string, values: unknown[] = []) => void (await pglite.query(sql, values)),
      transaction: (run: (exec: (sql: string, values?: unknown[]) => Promise<unknown>) => Promise<void>) =>
        pglite.transaction((tx) => run((sql, values = []) => tx.query(sql, values))),
      close: () => pglite.close(),
    };
  }
  const db = await createTestDatabase('postgres');
  const listener = new pg.Client({ connectionString: db.url });
  const client = new pg.Client({ connectionString: db.url });
  await Promise.all([listener.connect(), client.connect()]);
  listener.on('notification', (message) =>
    (message.channel === CONFIG_CHANGE_CHANNEL ? payloads : previousRelease).push(message.payload ?? ''),
  );
  await listener.query(`LISTEN ${CONFIG_CHANGE_CHANNEL}`);
  await listener.query(`LISTEN ${PREVIOUS_RELEASE_CHANNEL}`);
  return {
    payloads,
    previousRelease,
    exec: async (sql: string, values: unknown[] = []) => void (await client.query(sql, values)),
    transaction: async (run: (exec: (sql: string, values?: unknown[]) => Promise<unknown>) => Promise<void>) => {
      await client.query('BEGIN');
      try {
        await run((sql, values = []) => client.query(sql, values));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    close: async () => {
      await Promise.all([listener.end(), client.end()]);
      await db.close();
    },
  };
}

describe.each(availableBackends())('the database announces configuration changes (%s)', (backend) => {
  let db: Awaited<ReturnType<typeof announcingDatabase>>;
  const organizationId = randomUUID();
  const projectId = randomUUID();
  const otherOrganizationId = randomUUID();
  /** An organization whose change closes each list of announcements (announcementsOf). */
  const markerId = randomUUID();

  const organization = (id: string) =>
    db.exec(`INSERT INTO "Organization" (id, name, slug, "updatedAt") VALUES ($1, 'Org', $1, now())`, [id]);
  const project = (id: string, owner: string) =>
    db.exec(`INSERT INTO "Project" (id, "organizationId", name, "updatedAt") VALUES ($1, $2, $1, now())`, [id, owner]);
  const gatewayKey = (id: string, inProject: string) =>
    db.exec(`INSERT INTO "GatewayKey" (id, "projectId", name, hash, prefix) VALUES ($1, $2, 'k', $1, 'kp_')`, [id, inProject]);

  beforeAll(async () => {
    db = await announcingDatabase(backend);
    for (const id of [organizationId, otherOrganizationId, markerId]) await organization(id);
    await project(projectId, organizationId);
    await db.exec(`INSERT INTO "FeatureFlag" (key, "updatedAt") VALUES ('hosted-key-llm', now()) ON CONFLICT DO NOTHING`);
    // The setup's own announcements are in before any test counts.
    await announcementsOf(async () => {});
  });
  afterAll(() => db?.close());

  /** What `change` announced: it runs, then a marker change whose announcement, delivered in commit order, closes the list. */
  async function announcementsOf(change: () => Promise<unknown>): Promise<string[]> {
    const from = db.payloads.length;
    await change().catch(() => {});
    await db.exec(`UPDATE "Organization" SET "byokFeeRate" = random() / 10 WHERE id = $1`, [markerId]);
    const marker = `Organization:${markerId}`;
    for (let i = 0; i < 250 && !db.payloads.slice(from).includes(marker); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const seen = db.payloads.slice(from);
    expect(seen.at(-1)).toBe(marker);
    return seen.slice(0, -1);
  }

  const exec =
    (sql: string, ...values: unknown[]) =>
    () =>
      db.exec(sql, values);

  it("announces each committed change to what the gateway caches, naming its table and the organization it is (none for everyone's)", async () => {
    const keyId = randomUUID();
    const changes: [string, () => Promise<unknown>, string][] = [
      ['a new gateway key', () => gatewayKey(keyId, projectId), `GatewayKey:${organizationId}`],
      ['a revocation', exec(`UPDATE "GatewayKey" SET "revokedAt" = now() WHERE id = $1`, keyId), `GatewayKey:${organizationId}`],
      ['a deleted key', exec(`DELETE FROM "GatewayKey" WHERE id = $1`, keyId), `GatewayKey:${organizationId}`],
      ["a project's mode", exec(`UPDATE "Project" SET mode = 'CREDITS' WHERE id = $1`, projectId), `Project:${organizationId}`],
      [
        "an organization's model list",
        exec(`UPDATE "Organization" SET "deniedModels" = '{gpt-4o}' WHERE id = $1`, organizationId),
        `Organization:${organizationId}`,
      ],
      [
        "an organization's BYOK fee",
        exec(`UPDATE "Organization" SET "byokFeeRate" = 0.05 WHERE id = $1`, organizationId),
        `Organization:${organizationId}`,
      ],
      [
        "a project's flag override",
        exec(
          `INSERT INTO "FeatureFlagOverride" (id, "flagKey", scope, "scopeId", enabled, "updatedAt") VALUES ($1, 'hosted-key-llm', 'PROJECT', $2, true, now())`,
          randomUUID(),
          projectId,
        ),
        `FeatureFlagOverride:${organizationId}`,
      ],
      [
        "an organization's flag override",
        exec(
          `INSERT INTO "FeatureFlagOverride" (id, "flagKey", scope, "scopeId", enabled, "updatedAt") VALUES ($1, 'hosted-key-llm', 'ORGANIZATION', $2, true, now())`,
          randomUUID(),
          organizationId,
        ),
        `FeatureFlagOverride:${organizationId}`,
      ],
      ['a flag', exec(`UPDATE "FeatureFlag" SET "updatedAt" = now() WHERE key = 'hosted-key-llm'`), 'FeatureFlag:'],
      [
        'a limiter setting',
        exec(`INSERT INTO "ProviderSetting" (provider, "limiterMode", "updatedAt") VALUES ($1, 'QUEUE', now())`, `p${randomUUID()}`),
        'ProviderSetting:',
      ],
      [
        'a budget',
        exec(
          `INSERT INTO "AttributionBudget" (id, "projectId", "organizationId", scope, value, "budgetUsd", "budgetPeriod", "updatedAt") VALUES ($1, $2, $3, 'TAG', 't', 1, 'TOTAL', now())`,
          randomUUID(),
          projectId,
          organizationId,
        ),
        `AttributionBudget:${organizationId}`,
      ],
      [
        "an organization's alias",
        exec(
          `INSERT INTO "ModelAlias" (id, name, targets, "organizationId", "updatedAt") VALUES ($1, 'a', '{x}', $2, now())`,
          randomUUID(),
          organizationId,
        ),
        `ModelAlias:${organizationId}`,
      ],
      [
        "an operator's alias",
        exec(`INSERT INTO "ModelAlias" (id, name, targets, "updatedAt") VALUES ($1, 'a', '{x}', now())`, randomUUID()),
        'ModelAlias:',
      ],
      [
        'a stored provider key',
        exec(
          `INSERT INTO "ProviderKey" (id, "organizationId", provider, ciphertext, iv, "authTag", "keyVersion", mask, "updatedAt") VALUES ($1, $2, 'openai', '\\x00', '\\x00', '\\x00', 'v1', 'sk-…', now())`,
          randomUUID(),
          organizationId,
        ),
        `ProviderKey:${organizationId}`,
      ],
      [
        'a custom provider',
        exec(
          `INSERT INTO "CustomProvider" (id, "organizationId", slug, name, "baseUrl", models, "updatedAt") VALUES ($1, $2, $1, 'c', 'http://x', '{m}', now())`,
          randomUUID(),
          organizationId,
        ),
        `CustomProvider:${organizationId}`,
      ],
      [
        "an organization's price override",
        exec(
          `INSERT INTO "ModelPriceOverride" (id, provider, model, "organizationId", "inputUsdPerMtok", "outputUsdPerMtok", "effectiveFrom") VALUES ($1, 'openai', 'm', $2, 1, 1, now())`,
          randomUUID(),
          organizationId,
        ),
        `ModelPriceOverride:${organizationId}`,
      ],
      [
        "an operator's price override",
        exec(
          `INSERT INTO "ModelPriceOverride" (id, provider, model, "inputUsdPerMtok", "outputUsdPerMtok", "effectiveFrom") VALUES ($1, 'openai', 'm', 1, 1, now())`,
          randomUUID(),
        ),
        'ModelPriceOverride:',
      ],
    ];
    for (const [what, change, payload] of changes) expect([what, await announcementsOf(change)]).toEqual([what, [payload]]);
  });

  it('announces each organization a change touches once, and no one when a row is gone with its project', async () => {
    const otherProject = randomUUID();
    await announcementsOf(async () => {
      await project(otherProject, otherOrganizationId);
      await Promise.all([
        gatewayKey(randomUUID(), projectId),
        gatewayKey(randomUUID(), otherProject),
        gatewayKey(randomUUID(), otherProject),
      ]);
    });
    // Three keys of two organizations in one statement: each organization once.
    const renamed = await announcementsOf(
      exec(`UPDATE "GatewayKey" SET name = 'renamed' WHERE "projectId" IN ($1, $2)`, projectId, otherProject),
    );
    expect(renamed.sort()).toEqual([`GatewayKey:${organizationId}`, `GatewayKey:${otherOrganizationId}`].sort());
    // A project deleted with its keys: its organization only, not everyone (the keys' project is gone by then).
    const deleted = await announcementsOf(exec(`DELETE FROM "Project" WHERE id = $1`, otherProject));
    expect(deleted).toEqual([`Project:${otherOrganizationId}`]);
    // A flag override for a project that does not exist is in no cached entry.
    const nowhere = exec(
      `INSERT INTO "FeatureFlagOverride" (id, "flagKey", scope, "scopeId", enabled, "updatedAt") VALUES ($1, 'hosted-key-llm', 'PROJECT', $2, true, now())`,
      randomUUID(),
      randomUUID(),
    );
    expect(await announcementsOf(nowhere)).toEqual([]);
    expect(await announcementsOf(exec(`TRUNCATE "ProviderSetting"`))).toEqual(['ProviderSetting:']);
    // A project moved to another organization: the one it left and the one it joined.
    const moving = randomUUID();
    await announcementsOf(() => project(moving, organizationId));
    const moved = await announcementsOf(exec(`UPDATE "Project" SET "organizationId" = $1 WHERE id = $2`, otherOrganizationId, moving));
    expect(moved.sort()).toEqual([`Project:${organizationId}`, `Project:${otherOrganizationId}`].sort());
    // Its budgets are cached in its keys' identities under its organization now, whatever their copied column says.
    const budget = exec(
      `INSERT INTO "AttributionBudget" (id, "projectId", "organizationId", scope, value, "budgetUsd", "budgetPeriod", "updatedAt") VALUES ($1, $2, $3, 'TAG', 'moved', 1, 'TOTAL', now())`,
      randomUUID(),
      moving,
      organizationId,
    );
    expect(await announcementsOf(budget)).toEqual([`AttributionBudget:${otherOrganizationId}`]);
  });

  it('still announces the bare organization on the channel of the release before (a rolling upgrade)', async () => {
    const from = db.previousRelease.length;
    await announcementsOf(exec(`UPDATE "Project" SET mode = 'HYBRID' WHERE id = $1`, projectId));
    await announcementsOf(exec(`TRUNCATE "ProviderSetting"`));
    for (let i = 0; i < 250 && db.previousRelease.slice(from).length < 4; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    // Each change, then its list's closing marker: the organization alone, and '' for everyone's.
    expect(db.previousRelease.slice(from)).toEqual([organizationId, markerId, '', markerId]);
  });

  it('announces nothing for a rolled-back change, or for settlement moving an organization’s balance', async () => {
    const rolledBack = () =>
      db.transaction(async (exec) => {
        await exec(`UPDATE "Project" SET mode = 'HYBRID' WHERE id = $1`, [projectId]);
        throw new Error('rolled back');
      });
    expect(await announcementsOf(rolledBack)).toEqual([]);
    const settlement = () =>
      db.exec(
        `UPDATE "Organization" SET "creditBalance" = "creditBalance" - 1, "creditReserved" = "creditReserved" + 1, "updatedAt" = now() WHERE id = $1`,
        [organizationId],
      );
    expect(await announcementsOf(settlement)).toEqual([]);
    // A budget's spend is not configuration either.
    const spend = () => db.exec(`INSERT INTO "BudgetSpend" ("budgetId", period, "spentUsd") VALUES ($1, 'total', 1)`, [randomUUID()]);
    expect(await announcementsOf(spend)).toEqual([]);
  });
});

describe.each(availableBackends())("a server's change feed (%s)", (backend) => {
  it('goes live, and passes a committed change on', async () => {
    const db = await createTestDatabase(backend);
    try {
      const seen = record(db.configChanges(logger));
      expect(await seen.until('live', 1)).toBe(1);
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "ModelAlias" (id, name, targets, "updatedAt") VALUES ($1, 'a', '{x}', now())`,
        randomUUID(),
      );
      expect(await seen.until('changed', 1)).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe('a change feed under a burst of changes', () => {
  it(`passes them on at most every ${ANNOUNCE_EVERY_MS} ms, the last of them included`, async () => {
    let notify = (_payload: string) => {};
    const feed = embeddedConfigChanges(async (_channel, onNotification) => {
      notify = onNotification;
    });
    const seen = record(feed);
    await seen.until('live', 1);
    for (let i = 0; i < 100; i += 1) notify('GatewayKey:a'); // one tenant's script changing its settings flat out
    notify('ModelAlias:b');
    expect(seen.count('changed')).toBe(1); // the first at once
    await new Promise((resolve) => setTimeout(resolve, ANNOUNCE_EVERY_MS / 2));
    expect(seen.count('changed')).toBe(1);
    expect(await seen.until('changed', 2)).toBe(2); // the rest merged into one, at the end of the interval
    await new Promise((resolve) => setTimeout(resolve, ANNOUNCE_EVERY_MS * 2));
    expect(seen.count('changed')).toBe(2);
    // Each names what its changes covered: the organizations (or everyone, once one could be
    // anyone's) and the tables (or any, once one payload named none).
    expect(seen.scopes).toEqual([
      { organizations: new Set(['a']), tables: new Set(['GatewayKey']) },
      { organizations: new Set(['a', 'b']), tables: new Set(['GatewayKey', 'ModelAlias']) },
    ]);
    notify('Project:c');
    notify('FeatureFlag:');
    notify('d');
    expect(await seen.until('changed', 4)).toBe(4);
    expect(seen.scopes.slice(2)).toEqual([
      { organizations: new Set(['c']), tables: new Set(['Project']) },
      { organizations: null, tables: null },
    ]);
    await feed.close();
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
