import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/observability/logger.js';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';
import { createServer, type RunningServer } from '../../server/server.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { clearRedisPrefix, redisAvailable, uniqueRedisPrefix } from '../support/redis.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';
import { TEST_REDIS_URL } from '../support/test-env.js';

const TOKEN = 'two-instances-admin-token';
const POOL = { OPENAI_API_KEY_1: 'sk-pool-one-aaaaaaaaaaaaaaaaaaaaaaaa', OPENAI_API_KEY_2: 'sk-pool-two-bbbbbbbbbbbbbbbbbbbbbbbb' };
const ready = availableBackends().includes('postgres') && (await redisAvailable());

/** Two servers on their own ports sharing one PostgreSQL database and one Redis. */
describe.skipIf(!ready)('two instances behind one PostgreSQL and one Redis', () => {
  let sim: UpstreamSimulator;
  let db: Database & { url: string | undefined };
  let a: { server: RunningServer; url: string };
  let b: { server: RunningServer; url: string };
  let dataDir: string;
  const prefix = uniqueRedisPrefix();

  const gql = async (url: string, query: string, variables?: object) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data as Record<string, any>;
  };
  const complete = (url: string, key: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
  const gatewayKey = async (input: object) => {
    const org = (await gql(a.url, 'mutation { createOrganization(input:{name:"Two"}) { id } }')).createOrganization.id;
    await gql(a.url, 'mutation($o:ID!){ addCredits(input:{organizationId:$o, amountUsd:"100"}) { entry { id } } }', { o: org });
    const project = (
      await gql(a.url, 'mutation($o:ID!){ createProject(input:{organizationId:$o, name:"p", mode: CREDITS}) { id } }', { o: org })
    ).createProject.id;
    const created = await gql(a.url, 'mutation($i:CreateGatewayKeyInput!){ createGatewayKey(input:$i) { key { id } secret } }', {
      i: { projectId: project, name: 'k', ...input },
    });
    return {
      id: created.createGatewayKey.key.id as string,
      secret: created.createGatewayKey.secret as string,
      organizationId: org as string,
    };
  };

  beforeAll(async () => {
    sim = await startUpstreamSimulator();
    db = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'keyplane-two-'));
    const env = {
      ...sim.env(),
      ...POOL,
      DATABASE_URL: db.url as string,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey(),
      KEYPLANE_ADMIN_TOKEN: TOKEN,
      KEYPLANE_DATA_DIR: dataDir,
      HOSTED_KEY_LLM: 'true',
      LOG_LEVEL: 'silent',
    };
    const start = async () => {
      const server = await createServer(loadConfig(env), { logger: createLogger({ level: 'silent' }) });
      return { server, url: await server.app.listen({ port: 0, host: '127.0.0.1' }) };
    };
    a = await start();
    b = await start();
  });

  afterAll(async () => {
    await a?.server.close();
    await b?.server.close();
    await db?.close();
    await sim?.close();
    await clearRedisPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("holds a gateway key's rpm limit across both instances", async () => {
    const key = await gatewayKey({ rpmLimit: 4 });
    const statuses = [];
    for (const url of [a.url, b.url, a.url, b.url, a.url, b.url]) statuses.push((await complete(url, key.secret)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('honours on one instance a 429 cooldown the other saw', async () => {
    const key = await gatewayKey({});
    sim.setKeyBehavior(POOL.OPENAI_API_KEY_1, { kind: 'rate-limit', retryAfterSeconds: 60 });
    sim.setKeyBehavior(POOL.OPENAI_API_KEY_2, { kind: 'rate-limit', retryAfterSeconds: 60 });
    // A meets both keys throttled: each is cooled down for 60 s in Redis.
    expect((await complete(a.url, key.secret)).status).toBe(429);
    sim.clearKeyBehaviors();
    sim.clearRequests();
    // B must not even try them, although the simulator would now answer.
    const response = await complete(b.url, key.secret);
    expect(response.status).toBe(429);
    expect(sim.requests.filter((request) => request.provider === 'openai')).toHaveLength(0);
    for (const name of Object.keys(POOL)) await b.server.gateway.state.setDisabled(name, false, null);
    expect((await complete(b.url, key.secret)).status).toBe(200);
  });

  it('refuses a revoked key on both instances within a second', async () => {
    const key = await gatewayKey({});
    expect((await complete(a.url, key.secret)).status).toBe(200);
    expect((await complete(b.url, key.secret)).status).toBe(200);
    const revokedAt = Date.now();
    await gql(b.url, 'mutation($id:ID!){ revokeGatewayKey(id:$id) { revokedAt } }', { id: key.id });
    const refusedBy = async (url: string) => {
      while ((await complete(url, key.secret)).status !== 401) {
        if (Date.now() - revokedAt > 5_000) throw new Error('still accepted after 5 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return Date.now() - revokedAt;
    };
    const [onA, onB] = await Promise.all([refusedBy(a.url), refusedBy(b.url)]);
    expect(onA).toBeLessThan(1_000);
    expect(onB).toBeLessThan(1_000);
  });

  it('records each request exactly once', async () => {
    const key = await gatewayKey({});
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => complete(i % 2 ? a.url : b.url, key.secret)));
    const ids = responses.map((response) => response.headers.get('x-keyplane-request-id'));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    await a.server.gateway.writer.flush();
    await b.server.gateway.writer.flush();
    const rows = await db.prisma.usageRecord.findMany({ where: { gatewayKeyId: key.id }, select: { requestId: true } });
    expect(rows.map((row) => row.requestId).sort()).toEqual([...ids].sort());
    const ledger = await db.prisma.creditLedgerEntry.count({ where: { organizationId: key.organizationId, kind: 'USAGE' } });
    expect(ledger).toBe(40);
  });
});
