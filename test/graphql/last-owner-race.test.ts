/**
 * Two OWNERs removing (or demoting) each other at the same moment. PGlite runs one query at a
 * time and cannot show the race, so this runs where it can fail: on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededUser, seedOrganization, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ORGANIZATIONS = 10;
const REMOVE = 'mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }';
const DEMOTE = 'mutation($input: AddMemberInput!) { addMember(input: $input) { member { role } } }';

describe.each(availableBackends().filter((backend) => backend === 'postgres'))('last OWNER under concurrency on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(() => t?.close());

  async function twoOwnerOrganizations(): Promise<{ id: string; a: SeededUser; b: SeededUser }[]> {
    const operator = await t.gqlOk<{ viewer: { id: string } }>('{ viewer { id } }');
    return Promise.all(
      Array.from({ length: ORGANIZATIONS }, async () => {
        const org = await seedOrganization(t);
        const a = await seedUser(t, org.id, 'OWNER');
        const b = await seedUser(t, org.id, 'OWNER');
        await t.gqlOk(REMOVE, { o: org.id, u: operator.viewer.id });
        return { id: org.id, a, b };
      }),
    );
  }

  async function ownersOf(organizationIds: string[]): Promise<number[]> {
    return Promise.all(
      organizationIds.map((organizationId) => t.server.db.prisma.membership.count({ where: { organizationId, role: 'OWNER' } })),
    );
  }

  it(`${ORGANIZATIONS} organizations × two OWNERs removing each other at once: every one keeps an OWNER`, async () => {
    const orgs = await twoOwnerOrganizations();
    const results = await Promise.all(
      orgs.flatMap((org) => [
        t.gql(REMOVE, { o: org.id, u: org.b.userId }, org.a.token),
        t.gql(REMOVE, { o: org.id, u: org.a.userId }, org.b.token),
      ]),
    );
    expect(results.every((result) => result.status < 500)).toBe(true);
    expect(results.filter((result) => result.data?.removeMember === true)).toHaveLength(ORGANIZATIONS);
    expect(await ownersOf(orgs.map((org) => org.id))).toEqual(Array(ORGANIZATIONS).fill(1));
  });

  it('two OWNERs demoting each other at once: every organization keeps an OWNER', async () => {
    const orgs = await twoOwnerOrganizations();
    await Promise.all(
      orgs.flatMap((org) => [
        t.gql(DEMOTE, { input: { organizationId: org.id, email: org.b.email, role: 'ADMIN' } }, org.a.token),
        t.gql(DEMOTE, { input: { organizationId: org.id, email: org.a.email, role: 'ADMIN' } }, org.b.token),
      ]),
    );
    expect(await ownersOf(orgs.map((org) => org.id))).toEqual(Array(ORGANIZATIONS).fill(1));
  });
});
