import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOUNCE_EVERY_MS } from '../../server/db/config-changes.js';
import { GATEWAY_KEY_IDENTITIES } from '../../server/domain/gateway-keys/gateway-key.service.js';
import { seedOrganization, seedProject } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The server's request-path caches on announced changes: a gateway key's identity is read once
 * and kept while the database announces changes, and a revocation written straight to the
 * database (not through this server's API) applies at once.
 */
describe.each(availableBackends())('request-path caches on announced changes (%s)', (backend) => {
  let t: TestServer;
  const keyReads: string[] = [];
  const aliasReads: string[] = [];
  let key: { id: string; secret: string };
  let other: { id: string; secret: string };
  let renaming: { id: string; secret: string };

  /** A new organization with a project and a gateway key. */
  async function tenantKey(): Promise<{ id: string; secret: string }> {
    const organization = await seedOrganization(t);
    const project = await seedProject(t, organization.id);
    const created = await t.gqlOk<{ createGatewayKey: { key: { id: string }; secret: string } }>(
      'mutation($p: ID!) { createGatewayKey(input: { projectId: $p, name: "k" }) { key { id } secret } }',
      { p: project.id },
    );
    return { id: created.createGatewayKey.key.id, secret: created.createGatewayKey.secret };
  }

  beforeAll(async () => {
    t = await startTestServer(
      backend,
      {},
      {
        onQuery: (sql) => {
          if (sql === GATEWAY_KEY_IDENTITIES.text) keyReads.push(sql);
          if (/FROM "public"\."ModelAlias"/.test(sql)) aliasReads.push(sql);
        },
      },
    );
    key = await tenantKey();
    other = await tenantKey();
    renaming = await tenantKey();
    // The setup's own changes are announced (and the caches cleared) before the test counts reads.
    await new Promise((resolve) => setTimeout(resolve, 2 * ANNOUNCE_EVERY_MS));
  });
  afterAll(() => t?.close());

  /** An authenticated request the gateway refuses before routing (no messages): 400, or 401 once the key is refused. */
  const status = async (secret = key.secret) =>
    (
      await t.fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ model: 'gpt-4o-mini' }),
      })
    ).status;

  it("keeps one organization's entries while another organization's changes are announced", async () => {
    expect(await status(other.secret)).toBe(400);
    expect(await status(renaming.secret)).toBe(400);
    keyReads.length = 0;
    // One tenant renames its key four times a second (a script, say); the other keeps sending.
    for (let i = 0; i < 4; i += 1) {
      await t.server.db.prisma.$executeRawUnsafe(`UPDATE "GatewayKey" SET name = $1 WHERE id = $2`, `renamed ${i}`, renaming.id);
      await new Promise((resolve) => setTimeout(resolve, ANNOUNCE_EVERY_MS));
      expect(await status(other.secret)).toBe(400);
    }
    // Dropped with every announcement, the other tenant's key would be read four times; one late
    // announcement of the setup (a slow machine) may still come.
    expect(keyReads.length).toBeLessThanOrEqual(1);
    // The renaming tenant's own entry went with its change: read again on its next request.
    keyReads.length = 0;
    expect(await status(renaming.secret)).toBe(400);
    expect(keyReads).toHaveLength(1);
  });

  it("keeps the catalog's snapshot, which every tenant reads, through changes to other tables", async () => {
    // A request that is routed: the model is looked up among aliases (the snapshot), and is no one's.
    const unrouted = async () =>
      (
        await t.fetch('/v1/chat/completions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${other.secret}` },
          body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
        })
      ).status;
    expect(await unrouted()).toBe(404);
    aliasReads.length = 0;
    for (let i = 0; i < 4; i += 1) {
      await t.server.db.prisma.$executeRawUnsafe(`UPDATE "GatewayKey" SET name = $1 WHERE id = $2`, `again ${i}`, renaming.id);
      await new Promise((resolve) => setTimeout(resolve, ANNOUNCE_EVERY_MS));
      expect(await unrouted()).toBe(404);
    }
    // Dropped with every announcement it would be read four times; one late announcement may still come.
    expect(aliasReads.length).toBeLessThanOrEqual(1);
    // An operator's new alias: read again at once, and the name routes.
    aliasReads.length = 0;
    await t.server.db.prisma.$executeRawUnsafe(
      `INSERT INTO "ModelAlias" (id, name, targets, "updatedAt") VALUES (gen_random_uuid()::text, 'no-such-model', '{gpt-4o-mini}', now())`,
    );
    await new Promise((resolve) => setTimeout(resolve, ANNOUNCE_EVERY_MS));
    expect(await unrouted()).not.toBe(404);
    expect(aliasReads).toHaveLength(1);
  });

  it('refuses keys that do not exist in batched lookups (anyone can send them)', async () => {
    keyReads.length = 0;
    const guesses = Array.from({ length: 100 }, () => `kp_${randomBytes(20).toString('hex')}`);
    const started = performance.now();
    expect(await Promise.all(guesses.map((guess) => status(guess)))).toEqual(guesses.map(() => 401));
    const elapsedMs = performance.now() - started;
    // Asked together while a lookup is in flight (keys/key-lookups.ts): one statement every 5 ms
    // at most, however fast they come (each one alone, two statements a request, before).
    expect(keyReads.length).toBeGreaterThanOrEqual(1);
    expect(keyReads.length).toBeLessThanOrEqual(Math.min(guesses.length, Math.ceil(elapsedMs / 5) + 1));
  });

  it('reads a key once over steady traffic, and refuses it at once when revoked in the database', async () => {
    keyReads.length = 0;
    const until = Date.now() + 2_000; // four times the half-second timed reload
    while (Date.now() < until) {
      expect(await status()).toBe(400);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Reloaded on the timer (500 ms) it would be 4 or more; one late announcement of the setup
    // (a slow machine) may add a second read.
    expect(keyReads.length).toBeGreaterThanOrEqual(1);
    expect(keyReads.length).toBeLessThanOrEqual(2);
    const readsBeforeRevocation = keyReads.length;

    await t.server.db.prisma.$executeRawUnsafe(`UPDATE "GatewayKey" SET "revokedAt" = now() - interval '1 second' WHERE id = $1`, key.id);
    const revokedAt = Date.now();
    let refusedAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - revokedAt < 3_000) {
      if ((await status()) === 401) {
        refusedAfter = Date.now() - revokedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The product promises within a second; announced, it is the time a NOTIFY takes to arrive.
    expect(refusedAfter).toBeLessThan(1_000);
    expect(keyReads).toHaveLength(readsBeforeRevocation + 1);
  });
});
