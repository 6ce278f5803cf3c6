import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/observability/logger.js';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';
import { createServer, type RunningServer } from '../../server/server.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

/** PostgreSQL goes away mid-load and comes back: the gateway fails fast, recovers, loses nothing. */
describe.skipIf(!availableBackends().includes('postgres'))('PostgreSQL outage', { timeout: 120_000 }, () => {
  let sim: UpstreamSimulator;
  let db: Database & { url: string | undefined };
  let proxy: TcpProxy;
  let server: RunningServer;
  let baseUrl: string;
  let dataDir: string;
  let key: string;
  const logs: string[] = [];
  const TOKEN = 'outage-admin-token';
  const gql = async (query: string, variables?: object) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return ((await response.json()) as { data: Record<string, any> }).data;
  };

  beforeAll(async () => {
    sim = await startUpstreamSimulator();
    db = await createTestDatabase('postgres');
    const url = new URL(db.url as string);
    proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    dataDir = mkdtempSync(join(tmpdir(), 'keyplane-outage-'));
    const config = loadConfig({
      ...sim.env(),
      OPENAI_API_KEY: 'sk-platform-outage-aaaaaaaaaaaaaaaa',
      DATABASE_URL: url.toString(),
      KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey(),
      KEYPLANE_ADMIN_TOKEN: TOKEN,
      KEYPLANE_DATA_DIR: dataDir,
    });
    const capture = new Writable({
      write: (chunk, _encoding, done) => {
        logs.push(String(chunk));
        done();
      },
    });
    server = await createServer(config, { logger: createLogger({ level: 'info', destination: capture }) });
    baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const org = (await gql('mutation { createOrganization(input:{name:"Out"}) { id } }')).createOrganization.id;
    await gql('mutation($o:ID!){ addCredits(input:{organizationId:$o, amountUsd:"100"}) { entry { id } } }', { o: org });
    const project = (await gql('mutation($o:ID!){ createProject(input:{organizationId:$o, name:"p", mode: CREDITS}) { id } }', { o: org }))
      .createProject.id;
    key = (await gql('mutation($p:ID!){ createGatewayKey(input:{projectId:$p, name:"k"}) { secret } }', { p: project })).createGatewayKey
      .secret;
  });

  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    rmSync(dataDir, { recursive: true, force: true });
    await db?.close();
    await sim?.close();
  });

  const complete = async () => {
    const started = Date.now();
    try {
      const response = await fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      await response.text();
      return { status: response.status, ms: Date.now() - started, requestId: response.headers.get('x-keyplane-request-id') };
    } catch {
      return { status: 0, ms: Date.now() - started, requestId: null };
    }
  };

  it('keeps answering (or fails fast with 503) while the database is gone, recovers without a restart, and loses no settled usage', async () => {
    const before = await Promise.all(Array.from({ length: 10 }, complete));
    expect(before.every((r) => r.status === 200)).toBe(true);

    proxy.cut();
    const during = [];
    for (let i = 0; i < 10; i += 1) during.push(await complete());
    // Cached lookups and credit leases keep answering; whatever needs the database fails
    // fast with 503 — never a 500 or a hang.
    for (const result of during) {
      expect([200, 503]).toContain(result.status);
      expect(result.ms).toBeLessThan(10_000);
    }
    const health = await fetch(`${baseUrl}/readyz`);
    expect(health.status).toBe(503);

    proxy.restore();
    const restoredAt = Date.now();
    let recovered: number | null = null;
    while (Date.now() - restoredAt < 30_000) {
      if ((await complete()).status === 200) {
        recovered = Date.now() - restoredAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).not.toBeNull();
    process.stdout.write(`[database outage] recovered ${recovered} ms after PostgreSQL came back\n`);

    // Every answer the client got as a success has its usage record once the writer catches up.
    const served = [...before, ...during].filter((r) => r.status === 200).map((r) => r.requestId as string);
    await server.gateway.writer.flush();
    const deadline = Date.now() + 15_000;
    let recorded = 0;
    while (Date.now() < deadline) {
      recorded = await db.prisma.usageRecord.count({ where: { requestId: { in: served } } });
      if (recorded === served.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await server.gateway.writer.flush();
    }
    expect(recorded).toBe(served.length);
    expect(logs.join('').includes('"level":60')).toBe(false);
  });
});
