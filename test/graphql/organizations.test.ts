import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  codesOf,
  expectAudit,
  invite,
  type SeededUser,
  seedOrganization,
  seedProject,
  seedUser,
} from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ORG_FIELDS = 'id name slug hostedCostMultiplier byokFeeRate creditBalance viewerRole';

describe.each(availableBackends())('organizations, members and projects on %s', (backend) => {
  let t: TestServer;
  let org: { id: string; name: string };
  let admin: SeededUser;
  let member: SeededUser;

  beforeAll(async () => {
    t = await startTestServer(backend);
    org = await seedOrganization(t, 'Acme Rockets');
    admin = await seedUser(t, org.id, 'ADMIN');
    member = await seedUser(t, org.id, 'MEMBER');
  });
  afterAll(() => t?.close());

  it('creates an organization with a derived slug, its creator as OWNER, and an audit entry', async () => {
    const outsider = await seedUser(t, null, 'MEMBER');
    const data = await t.gqlOk<{ createOrganization: Record<string, unknown> }>(
      `mutation { createOrganization(input: { name: "  Zebra Labs  " }) { ${ORG_FIELDS} members { role user { email } } creditLedger { nodes { id } } } }`,
      {},
      outsider.token,
    );
    const created = data.createOrganization;
    expect(created).toMatchObject({ name: 'Zebra Labs', slug: 'zebra-labs', byokFeeRate: '0', creditBalance: '0', viewerRole: 'OWNER' });
    expect(created.members).toEqual([{ role: 'OWNER', user: { email: outsider.email } }]);
    const entry = await expectAudit(t, created.id as string, { action: 'organization.create', targetId: created.id as string });
    expect(entry.actorLabel).toContain(outsider.email);
    expect(entry.details).toMatchObject({ name: 'Zebra Labs', slug: 'zebra-labs' });

    const again = await t.gql('mutation { createOrganization(input: { name: "Other", slug: "zebra-labs" }) { id } }');
    expect(codesOf(again)).toEqual(['BAD_USER_INPUT']);
  });

  it('lists organizations: operators see all, members only their own', async () => {
    const all = await t.gqlOk<{ organizations: { id: string }[] }>('{ organizations { id } }');
    expect(all.organizations.map((o) => o.id)).toContain(org.id);
    expect(all.organizations.length).toBeGreaterThan(1);
    const own = await t.gqlOk<{ organizations: { id: string; viewerRole: string }[] }>(
      '{ organizations { id viewerRole } }',
      {},
      member.token,
    );
    expect(own.organizations).toEqual([{ id: org.id, viewerRole: 'MEMBER' }]);
  });

  it('reads an organization with its members for any member', async () => {
    const data = await t.gqlOk<{ organization: { name: string; members: { role: string; user: { email: string } }[] } }>(
      'query($id: ID!) { organization(id: $id) { name members { role user { email } } } }',
      { id: org.id },
      member.token,
    );
    expect(data.organization.name).toBe('Acme Rockets');
    expect(data.organization.members.map((m) => [m.user.email, m.role])).toEqual(
      expect.arrayContaining([
        [admin.email, 'ADMIN'],
        [member.email, 'MEMBER'],
      ]),
    );
  });

  it('lets an ADMIN rename but only an operator change billing fields', async () => {
    const renamed = await t.gqlOk<{ updateOrganization: { name: string } }>(
      'mutation($id: ID!) { updateOrganization(id: $id, input: { name: "Acme Rocketry" }) { name } }',
      { id: org.id },
      admin.token,
    );
    expect(renamed.updateOrganization.name).toBe('Acme Rocketry');
    const rename = await expectAudit(t, org.id, { action: 'organization.update', actor: admin.email });
    expect(rename.details).toEqual({ name: 'Acme Rocketry' });

    for (const input of ['{ hostedCostMultiplier: "2" }', '{ byokFeeRate: "0.05" }', '{ hostedCostMultiplier: "" }']) {
      const denied = await t.gql(`mutation($id: ID!) { updateOrganization(id: $id, input: ${input}) { id } }`, { id: org.id }, admin.token);
      expect(codesOf(denied), input).toEqual(['FORBIDDEN']);
    }
    const byMember = await t.gql(
      'mutation($id: ID!) { updateOrganization(id: $id, input: { name: "x" }) { id } }',
      { id: org.id },
      member.token,
    );
    expect(codesOf(byMember)).toEqual(['FORBIDDEN']);

    const billing = await t.gqlOk<{ updateOrganization: { hostedCostMultiplier: string; byokFeeRate: string } }>(
      'mutation($id: ID!) { updateOrganization(id: $id, input: { hostedCostMultiplier: "1.25", byokFeeRate: 0.05 }) { hostedCostMultiplier byokFeeRate } }',
      { id: org.id },
    );
    expect(billing.updateOrganization).toEqual({ hostedCostMultiplier: '1.25', byokFeeRate: '0.05' });
    const cleared = await t.gqlOk<{ updateOrganization: { hostedCostMultiplier: string | null } }>(
      'mutation($id: ID!) { updateOrganization(id: $id, input: { hostedCostMultiplier: "" }) { hostedCostMultiplier } }',
      { id: org.id },
    );
    expect(cleared.updateOrganization.hostedCostMultiplier).toBeNull();
    const bad = await t.gql('mutation($id: ID!) { updateOrganization(id: $id, input: { byokFeeRate: "-1" }) { id } }', { id: org.id });
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it('invites, re-roles and removes members with audit entries, keeping one OWNER', async () => {
    const invitation = await invite(t, { organizationId: org.id, email: 'New.Person@Example.test', role: 'MEMBER' }, admin.token);
    await expectAudit(t, org.id, { action: 'member.invite', targetId: invitation.id, actor: admin.email });
    const accepted = await acceptInvitation(t, { token: invitation.token, password: 'a password of my own' });
    expect(accepted.status).toBe(200);
    const members = await t.gqlOk<{ organization: { members: { role: string; user: { id: string; email: string } }[] } }>(
      'query($id: ID!) { organization(id: $id) { members { role user { id email } } } }',
      { id: org.id },
    );
    const joined = members.organization.members.find((m) => m.user.email === 'new.person@example.test');
    expect(joined?.role).toBe('MEMBER');
    const userId = joined?.user.id as string;
    const acceptEntry = await expectAudit(t, org.id, {
      action: 'member.accept-invitation',
      targetId: invitation.id,
      actor: 'new.person@example.test',
    });
    expect(acceptEntry.details).toMatchObject({ email: 'new.person@example.test', role: 'MEMBER' });

    const reRoled = await t.gqlOk<{ addMember: { member: { role: string } | null; invitation: unknown } }>(
      'mutation($input: AddMemberInput!) { addMember(input: $input) { member { role } invitation { url } } }',
      { input: { organizationId: org.id, email: 'new.person@example.test', role: 'ADMIN' } },
      admin.token,
    );
    expect(reRoled.addMember).toEqual({ member: { role: 'ADMIN' }, invitation: null });
    const roleEntry = await expectAudit(t, org.id, { action: 'member.change-role', targetId: userId });
    expect(roleEntry.details).toMatchObject({ role: 'ADMIN', previousRole: 'MEMBER' });

    const asMember = await t.gql(
      'mutation($input: AddMemberInput!) { addMember(input: $input) { invitation { id } } }',
      {
        input: { organizationId: org.id, email: 'x@example.test', role: 'MEMBER' },
      },
      member.token,
    );
    expect(codesOf(asMember)).toEqual(['FORBIDDEN']);
    const ownerByAdmin = await t.gql(
      'mutation($input: AddMemberInput!) { addMember(input: $input) { invitation { id } } }',
      {
        input: { organizationId: org.id, email: 'y@example.test', role: 'OWNER' },
      },
      admin.token,
    );
    expect(codesOf(ownerByAdmin)).toEqual(['FORBIDDEN']);

    const removed = await t.gqlOk<{ removeMember: boolean }>(
      'mutation($org: ID!, $user: ID!) { removeMember(organizationId: $org, userId: $user) }',
      { org: org.id, user: userId },
      admin.token,
    );
    expect(removed.removeMember).toBe(true);
    await expectAudit(t, org.id, { action: 'member.remove', targetId: userId, actor: admin.email });
    const missing = await t.gql('mutation($org: ID!, $user: ID!) { removeMember(organizationId: $org, userId: $user) }', {
      org: org.id,
      user: userId,
    });
    expect(codesOf(missing)).toEqual(['NOT_FOUND']);
  });

  it('does not let an ADMIN demote or remove an OWNER, nor remove the last OWNER', async () => {
    const owner = await seedUser(t, org.id, 'OWNER');
    const demote = await t.gql(
      'mutation($input: AddMemberInput!) { addMember(input: $input) { member { role } } }',
      {
        input: { organizationId: org.id, email: owner.email, role: 'MEMBER' },
      },
      admin.token,
    );
    expect(codesOf(demote)).toEqual(['FORBIDDEN']);
    const remove = await t.gql(
      'mutation($org: ID!, $user: ID!) { removeMember(organizationId: $org, userId: $user) }',
      { org: org.id, user: owner.userId },
      admin.token,
    );
    expect(codesOf(remove)).toEqual(['FORBIDDEN']);

    const solo = await seedOrganization(t);
    const soloOwner = await seedUser(t, solo.id, 'OWNER');
    const operatorMembership = await t.gqlOk<{ viewer: { id: string } }>('{ viewer { id } }');
    await t.gqlOk('mutation($org: ID!, $user: ID!) { removeMember(organizationId: $org, userId: $user) }', {
      org: solo.id,
      user: operatorMembership.viewer.id,
    });
    const last = await t.gql(
      'mutation($org: ID!, $user: ID!) { removeMember(organizationId: $org, userId: $user) }',
      { org: solo.id, user: soloOwner.userId },
      soloOwner.token,
    );
    expect(codesOf(last)).toEqual(['BAD_USER_INPUT']);
  });

  it('creates and updates projects (ADMIN+), auditing mode changes; MEMBER is read-only', async () => {
    const project = await seedProject(t, org.id, 'Launch', admin.token);
    expect(project.mode).toBe('API_KEYS');
    const createEntry = await expectAudit(t, org.id, { action: 'project.create', targetId: project.id, actor: admin.email });
    expect(createEntry.details).toMatchObject({ name: 'Launch', mode: 'API_KEYS', preferStoredKeys: false });

    const updated = await t.gqlOk<{ updateProject: { mode: string; preferStoredKeys: boolean; name: string } }>(
      'mutation($id: ID!) { updateProject(id: $id, input: { mode: HYBRID, preferStoredKeys: true }) { name mode preferStoredKeys } }',
      { id: project.id },
      admin.token,
    );
    expect(updated.updateProject).toEqual({ name: 'Launch', mode: 'HYBRID', preferStoredKeys: true });
    const modeEntry = await expectAudit(t, org.id, { action: 'project.change-mode', targetId: project.id });
    expect(modeEntry.details).toEqual({
      before: { mode: 'API_KEYS', preferStoredKeys: false },
      after: { mode: 'HYBRID', preferStoredKeys: true },
    });

    const read = await t.gqlOk<{ project: { name: string; organization: { id: string } } }>(
      'query($id: ID!) { project(id: $id) { name organization { id } } }',
      { id: project.id },
      member.token,
    );
    expect(read.project).toEqual({ name: 'Launch', organization: { id: org.id } });

    const memberCreate = await t.gql(
      'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }',
      {
        input: { organizationId: org.id, name: 'Nope' },
      },
      member.token,
    );
    expect(codesOf(memberCreate)).toEqual(['FORBIDDEN']);
    const memberUpdate = await t.gql(
      'mutation($id: ID!) { updateProject(id: $id, input: { mode: CREDITS }) { id } }',
      { id: project.id },
      member.token,
    );
    expect(codesOf(memberUpdate)).toEqual(['FORBIDDEN']);
    const duplicate = await t.gql('mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }', {
      input: { organizationId: org.id, name: 'Launch' },
    });
    expect(codesOf(duplicate)).toEqual(['BAD_USER_INPUT']);
    const unknown = await t.gql('query { project(id: "00000000-0000-0000-0000-000000000000") { id } }');
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
  });
});
