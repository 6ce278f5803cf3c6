import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededUser, seedOrganization, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const PROJECTS = 100;

describe.each(availableBackends())('batched loading on %s', (backend) => {
  let t: TestServer;
  let member: SeededUser;
  const orgIds: string[] = [];
  const statements: string[] = [];
  let counting = false;

  beforeAll(async () => {
    // No background job runs (usage rollups, webhook deliveries, instance heartbeats, the
    // leases' heartbeat): their statements would land in the counts now and then.
    const quiet = {
      USAGE_ROLLUP_INTERVAL_MS: '0',
      WEBHOOK_INTERVAL_MS: '0',
      INSTANCE_DEAD_AFTER_MS: '3600000',
      CREDIT_LEASE_RENEW_MS: '60000',
      CREDIT_LEASE_TTL_MS: '600000',
    };
    // And only reads are counted: these GraphQL queries send nothing else, so a write in the
    // window (the hold sweeper's DELETE runs every minute whatever the settings) is not theirs.
    const isRead = (sql: string) => /^\s*SELECT\b/i.test(sql);
    t = await startTestServer(backend, quiet, { onQuery: (sql) => void (counting && isRead(sql) && statements.push(sql)) });
    for (const name of ['Alpha', 'Beta']) {
      const org = await seedOrganization(t, name);
      orgIds.push(org.id);
      // Bulk rows straight into the database: 200 API round trips would only slow the suite.
      const prisma = t.server.db.prisma;
      await prisma.project.createMany({ data: Array.from({ length: PROJECTS }, (_, i) => ({ organizationId: org.id, name: `p${i}` })) });
      const projects = await prisma.project.findMany({ where: { organizationId: org.id }, select: { id: true } });
      await prisma.gatewayKey.createMany({
        data: projects.flatMap((p, i) =>
          [0, 1].map((k) => ({ projectId: p.id, name: `k${k}`, hash: `${org.id}-${i}-${k}`, prefix: 'kp_x' })),
        ),
      });
    }
    member = await seedUser(t, orgIds[0] as string, 'MEMBER');
    // Warm the token's lastUsedAt refresh so it does not land in a counted request.
    await t.gqlOk('{ viewer { id } }', {}, member.token);
  });
  afterAll(() => t?.close());

  async function count<T>(run: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
    statements.length = 0;
    counting = true;
    try {
      const result = await run();
      return { result, queries: [...statements] };
    } finally {
      counting = false;
    }
  }

  it(`lists an organization's ${PROJECTS} projects with their gateway keys in a handful of queries`, async () => {
    const { result, queries } = await count(() =>
      t.gqlOk<{ organization: { projects: { organization: { id: string }; gatewayKeys: { name: string }[] }[] } }>(
        `query($id: ID!) { organization(id: $id) { id members { user { email } } providerKeys { id }
          projects { id name organization { id name } gatewayKeys { id name prefix } } } }`,
        { id: orgIds[0] },
        member.token,
      ),
    );
    const projects = result.organization.projects;
    expect(projects).toHaveLength(PROJECTS);
    expect(projects.every((p) => p.gatewayKeys.length === 2 && p.organization.id === orgIds[0])).toBe(true);
    // One query per level (token, org, projects, keys, members, provider keys, parent org) — not per project.
    expect(queries.length, queries.join('\n')).toBeGreaterThan(3);
    expect(queries.length, queries.join('\n')).toBeLessThanOrEqual(12);
  });

  it('batches across organizations too (operator listing every organization)', async () => {
    const { result, queries } = await count(() =>
      t.gqlOk<{ organizations: { projects: { gatewayKeys: { id: string }[] }[] }[] }>(
        '{ organizations { id projects { id gatewayKeys { id } } members { id } } }',
      ),
    );
    const total = result.organizations.flatMap((o) => o.projects).filter((p) => p.gatewayKeys.length === 2);
    expect(total).toHaveLength(PROJECTS * 2);
    expect(queries.length, queries.join('\n')).toBeLessThanOrEqual(8);
  });
});
