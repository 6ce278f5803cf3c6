/**
 * Accounts by invitation: nobody sets another person's password, nobody joins an organization
 * without accepting, and a link never takes over an existing account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  codesOf,
  expectAudit,
  gqlWithCookie,
  invite,
  seedOrganization,
  seedUser,
  signIn,
} from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const INVALID = 'This invitation link is invalid, expired or already used; ask for a new one';
const ADD = 'mutation($input: AddMemberInput!) { addMember(input: $input) { member { role } invitation { id url expiresAt } } }';
const MEMBERS = 'query($id: ID!) { organization(id: $id) { members { role user { email } } invitations { id email role } } }';

describe.each(availableBackends())('invitations on %s', (backend) => {
  let t: TestServer;
  let orgB: { id: string };

  beforeAll(async () => {
    t = await startTestServer(backend);
    orgB = await seedOrganization(t, 'Victim Org');
  });
  afterAll(() => t?.close());

  const emailsIn = async (organizationId: string) => {
    const data = await t.gqlOk<{ organization: { members: { role: string; user: { email: string } }[] } }>(MEMBERS, { id: organizationId });
    return data.organization.members.map((m) => `${m.user.email}:${m.role}`);
  };

  it('pre-registration attack: a tenant cannot choose X’s password, and B’s later invitation grants X nothing until X accepts', async () => {
    // The tenant signs in, creates an organization of its own (becoming OWNER) and tries the old attack.
    const tenant = await seedUser(t, null, 'OWNER');
    const own = await t.gqlOk<{ createOrganization: { id: string } }>(
      'mutation { createOrganization(input: { name: "Tenant Org" }) { id } }',
      {},
      tenant.token,
    );
    const orgA = own.createOrganization.id;
    const x = 'x.victim@example.test';
    const withPassword = await t.gql(
      ADD,
      { input: { organizationId: orgA, email: x, role: 'MEMBER', password: 'tenant-chosen-pw' } },
      tenant.token,
    );
    expect(codesOf(withPassword)).toEqual(['BAD_USER_INPUT']);
    expect(withPassword.errors?.[0]?.message).toMatch(/invitation/);
    expect(await t.server.db.prisma.user.findUnique({ where: { email: x } })).toBeNull();

    // B (the operator's organization) invites X as ADMIN: only an invitation, no membership.
    const fromB = await t.gqlOk<{ addMember: { member: unknown; invitation: { url: string } } }>(ADD, {
      input: { organizationId: orgB.id, email: x, role: 'ADMIN' },
    });
    expect(fromB.addMember.member).toBeNull();
    expect(fromB.addMember.invitation.url).toMatch(/\/accept-invitation#token=kpinv_/);
    expect(await emailsIn(orgB.id)).not.toContain(`${x}:ADMIN`);

    // The tenant invites X to its own organization and accepts that link itself, with its password.
    const tenantLink = await invite(t, { organizationId: orgA, email: x, role: 'MEMBER' }, tenant.token);
    const squat = await acceptInvitation(t, { token: tenantLink.token, password: 'tenant-chosen-pw' });
    expect(squat.status).toBe(200);
    // Signed in as X, the tenant holds nothing in B: B's invitation still waits for its own link.
    const session = await signIn(t, x, 'tenant-chosen-pw');
    const viewer = await gqlWithCookie<{ viewer: { memberships: { organizationId: string }[] } }>(
      t,
      session.cookie as string,
      '{ viewer { memberships { organizationId } } }',
    );
    expect(viewer.data?.viewer.memberships.map((m) => m.organizationId)).toEqual([orgA]);
    expect(codesOf(await gqlWithCookie(t, session.cookie as string, MEMBERS, { id: orgB.id }))).toEqual(['FORBIDDEN']);
    expect(await emailsIn(orgB.id)).not.toContain(`${x}:ADMIN`);
  });

  it('an invitation accepted with a password cannot take over an existing account', async () => {
    const owner = await seedUser(t, null, 'MEMBER', { password: 'the-real-password' });
    const link = await invite(t, { organizationId: orgB.id, email: owner.email, role: 'ADMIN' });
    const takeover = await acceptInvitation(t, { token: link.token, password: 'attacker-password' });
    expect(takeover.status).toBe(409);
    expect(takeover.body.error?.message).toMatch(/sign in/i);
    expect(takeover.cookie).toBeNull();
    expect((await signIn(t, owner.email, 'attacker-password')).status).toBe(401);
    expect((await signIn(t, owner.email, 'the-real-password')).status).toBe(200);
    expect(await emailsIn(orgB.id)).not.toContain(`${owner.email}:ADMIN`);
  });

  it('a new user accepts over HTTP: account, membership and a session in one step', async () => {
    const link = await invite(t, { organizationId: orgB.id, email: 'New.Joiner@Example.test', role: 'ADMIN' });
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeGreaterThan(6 * 24 * 3600_000);
    const pending = await t.gqlOk<{ organization: { invitations: { id: string; email: string }[] } }>(MEMBERS, { id: orgB.id });
    expect(pending.organization.invitations.map((i) => i.email)).toContain('new.joiner@example.test');
    const short = await acceptInvitation(t, { token: link.token, password: 'short' });
    expect(short.status).toBe(400);
    const accepted = await acceptInvitation(t, { token: link.token, password: 'my own password' });
    expect(accepted.status).toBe(200);
    expect(accepted.setCookie).toMatch(/HttpOnly/i);
    expect(accepted.setCookie).not.toMatch(/Secure/i);
    const viewer = await gqlWithCookie<{ viewer: { email: string; memberships: { organizationId: string; role: string }[] } }>(
      t,
      accepted.cookie as string,
      '{ viewer { email memberships { organizationId role } } }',
    );
    expect(viewer.data?.viewer).toEqual({ email: 'new.joiner@example.test', memberships: [{ organizationId: orgB.id, role: 'ADMIN' }] });
    const after = await t.gqlOk<{ organization: { invitations: { id: string }[] } }>(MEMBERS, { id: orgB.id });
    expect(after.organization.invitations.map((i) => i.id)).not.toContain(link.id);
    const entry = await expectAudit(t, orgB.id, {
      action: 'member.accept-invitation',
      targetId: link.id,
      actor: 'new.joiner@example.test',
    });
    expect(JSON.stringify(entry)).not.toContain(link.token);
  });

  it('an existing user accepts while signed in as the invited account, and only as it', async () => {
    const invitee = await seedUser(t, null, 'MEMBER', { password: 'invitee-password' });
    const other = await seedUser(t, null, 'MEMBER', { password: 'other-password' });
    const link = await invite(t, { organizationId: orgB.id, email: invitee.email, role: 'MEMBER' });
    const wrongAccount = await acceptInvitation(
      t,
      { token: link.token },
      (await signIn(t, other.email, 'other-password')).cookie as string,
    );
    expect(wrongAccount.status).toBe(403);
    const session = (await signIn(t, invitee.email, 'invitee-password')).cookie as string;
    // A password sent along is not used: the account keeps its own.
    const accepted = await acceptInvitation(t, { token: link.token, password: 'ignored-password' }, session);
    expect(accepted.status).toBe(200);
    expect(accepted.body.organizationId).toBe(orgB.id);
    expect(await emailsIn(orgB.id)).toContain(`${invitee.email}:MEMBER`);
    expect((await signIn(t, invitee.email, 'invitee-password')).status).toBe(200);
    expect((await signIn(t, invitee.email, 'ignored-password')).status).toBe(401);
  });

  it('refuses expired, used, revoked, replaced and unknown tokens with one message', async () => {
    const used = await invite(t, { organizationId: orgB.id, email: 'used@example.test', role: 'MEMBER' });
    expect((await acceptInvitation(t, { token: used.token, password: 'password-one' })).status).toBe(200);
    const expired = await invite(t, { organizationId: orgB.id, email: 'expired@example.test', role: 'MEMBER' });
    await t.server.db.prisma.invitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await invite(t, { organizationId: orgB.id, email: 'revoked@example.test', role: 'MEMBER' });
    await t.gqlOk('mutation($id: ID!) { revokeInvitation(id: $id) { id } }', { id: revoked.id });
    const resent = await invite(t, { organizationId: orgB.id, email: 'resent@example.test', role: 'MEMBER' });
    const fresh = await t.gqlOk<{ resendInvitation: { id: string; url: string } }>(
      'mutation($id: ID!) { resendInvitation(id: $id) { id url } }',
      { id: resent.id },
    );
    expect(fresh.resendInvitation.id).toBe(resent.id);
    const newToken = new URL(fresh.resendInvitation.url).hash.replace('#token=', '');
    expect((await acceptInvitation(t, { token: newToken, password: 'password-three' })).status).toBe(200);
    for (const token of [used.token, expired.token, revoked.token, resent.token, `kpinv_${'0'.repeat(40)}`]) {
      const refused = await acceptInvitation(t, { token, password: 'password-two' });
      expect([refused.status, refused.body.error?.message]).toEqual([400, INVALID]);
    }
    // Five bad tokens from one address: token guessing is throttled like passwords.
    const guessing = await acceptInvitation(t, { token: newToken, password: 'password-four' });
    expect(guessing.status).toBe(429);
    await expectAudit(t, orgB.id, { action: 'member.invitation.revoke', targetId: revoked.id });
    await expectAudit(t, orgB.id, { action: 'member.invitation.resend', targetId: resent.id });
    const log = JSON.stringify(
      await t.gqlOk('query($o: ID) { auditLog(organizationId: $o, first: 200) { nodes { details } } }', { o: orgB.id }),
    );
    for (const token of [used.token, revoked.token, newToken]) expect(log).not.toContain(token);
    const rows = await t.server.db.prisma.invitation.findMany();
    expect(JSON.stringify(rows)).not.toContain(used.token);
  });
});

describe('KEYPLANE_PUBLIC_URL', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', { KEYPLANE_PUBLIC_URL: 'https://keyplane.example.test/' });
  });
  afterAll(() => t?.close());

  it('https makes the session cookie Secure and invitation links use it', async () => {
    const org = await seedOrganization(t);
    const link = await invite(t, { organizationId: org.id, email: 'secure@example.test', role: 'MEMBER' });
    expect(link.url.startsWith('https://keyplane.example.test/accept-invitation#token=')).toBe(true);
    const accepted = await acceptInvitation(t, { token: link.token, password: 'secure-password' });
    expect(accepted.setCookie).toMatch(/; Secure/i);
    const session = await signIn(t, 'secure@example.test', 'secure-password');
    expect(session.setCookie).toMatch(/; Secure/i);
  });
});
