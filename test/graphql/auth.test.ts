import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEntries,
  codesOf,
  expectAudit,
  gqlWithCookie,
  type SeededUser,
  seedOrganization,
  seedUser,
  signIn,
} from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CREATE_TOKEN =
  'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret token { id name prefix expiresAt revokedAt } } }';
const PASSWORD = 'correct horse battery staple';

describe.each(availableBackends())('authentication on %s', (backend) => {
  let t: TestServer;
  let org: { id: string };
  let admin: SeededUser;

  beforeAll(async () => {
    t = await startTestServer(backend);
    org = await seedOrganization(t);
    admin = await seedUser(t, org.id, 'ADMIN', { password: PASSWORD });
  });
  afterAll(() => t?.close());

  it('signs in with a password into an httpOnly SameSite=Strict cookie that authenticates GraphQL', async () => {
    const { status, cookie, setCookie } = await signIn(t, admin.email.toUpperCase(), PASSWORD);
    expect(status).toBe(200);
    expect(cookie).toMatch(/^kp_session=.{20,}/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);

    const viewer = await gqlWithCookie<{ viewer: { email: string; isOperator: boolean; memberships: unknown[] } }>(
      t,
      cookie as string,
      '{ viewer { email isOperator memberships { organizationId role } } }',
    );
    expect(viewer.data?.viewer).toEqual({
      email: admin.email,
      isOperator: false,
      memberships: [{ organizationId: org.id, role: 'ADMIN' }],
    });
    // The cookie carries the user's role: ADMIN may create a project, not set flags.
    const project = await gqlWithCookie(
      t,
      cookie as string,
      'mutation($o: ID!) { createProject(input: { organizationId: $o, name: "via cookie" }) { id } }',
      { o: org.id },
    );
    expect(project.errors).toBeUndefined();
    const flags = await gqlWithCookie(t, cookie as string, '{ featureFlags { key } }');
    expect(codesOf(flags)).toEqual(['FORBIDDEN']);
  });

  it('refuses a wrong password or unknown email alike, and malformed bodies with 400', async () => {
    const wrong = await signIn(t, admin.email, 'not the password');
    const unknown = await signIn(t, 'nobody@example.test', PASSWORD);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect([wrong.cookie, unknown.cookie]).toEqual([null, null]);
    expect(t.responses.at(-1)).toBe(t.responses.at(-2));
    const bad = await t.fetch('/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":1}' });
    expect(bad.status).toBe(400);
  });

  it('signs out: the cookie stops working', async () => {
    const { cookie } = await signIn(t, admin.email, PASSWORD);
    expect((await gqlWithCookie(t, cookie as string, '{ viewer { id } }')).errors).toBeUndefined();
    const out = await t.fetch('/auth/sign-out', { method: 'POST', headers: { cookie: cookie as string } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/kp_session=;/);
    const after = await gqlWithCookie(t, cookie as string, '{ viewer { id } }');
    expect(codesOf(after)).toEqual(['UNAUTHENTICATED']);
    expect(after.data ?? null).toBeNull();
  });

  it('needs credentials: no token, a bad header or an unknown token → UNAUTHENTICATED', async () => {
    expect(codesOf(await t.gql('{ viewer { id } }', {}, null))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await t.gql('{ organizations { id } }', {}, 'kpat_doesnotexist'))).toEqual(['UNAUTHENTICATED']);
    const basic = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(basic.status).toBe(401);
    expect((await basic.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('creates an access token acting as the caller, shown once, listed by prefix, audited', async () => {
    const created = await t.gqlOk<{ createAccessToken: { secret: string; token: { id: string; name: string; prefix: string } } }>(
      CREATE_TOKEN,
      { input: { name: 'deploy bot' } },
      admin.token,
    );
    const { secret, token } = created.createAccessToken;
    expect(secret).toMatch(/^kpat_[0-9A-Za-z]{40}$/);
    expect(secret.startsWith(token.prefix)).toBe(true);
    expect(token.prefix.length).toBeLessThan(15);

    const viewer = await t.gqlOk<{ viewer: { email: string; accessTokens: { id: string; name: string; prefix: string }[] } }>(
      '{ viewer { email accessTokens { id name prefix } } }',
      {},
      secret,
    );
    expect(viewer.viewer.email).toBe(admin.email);
    expect(viewer.viewer.accessTokens).toContainEqual({ id: token.id, name: 'deploy bot', prefix: token.prefix });
    expect(t.responses.filter((body) => body.includes(secret))).toHaveLength(1);
    const entry = await expectAudit(t, null, { action: 'access-token.create', targetId: token.id, actor: admin.email });
    expect(JSON.stringify(entry)).not.toContain(secret);
  });

  it('revokes an access token: it is UNAUTHENTICATED afterwards; others cannot revoke it', async () => {
    const created = await t.gqlOk<{ createAccessToken: { secret: string; token: { id: string } } }>(
      CREATE_TOKEN,
      { input: { name: 'short-lived' } },
      admin.token,
    );
    const { secret, token } = created.createAccessToken;
    const stranger = await seedUser(t, null, 'MEMBER');
    const foreign = await t.gql('mutation($id: ID!) { revokeAccessToken(id: $id) { id } }', { id: token.id }, stranger.token);
    expect(codesOf(foreign)).toEqual(['NOT_FOUND']);
    expect((await t.gql('{ viewer { id } }', {}, secret)).errors).toBeUndefined();

    const revoked = await t.gqlOk<{ revokeAccessToken: { revokedAt: string } }>(
      'mutation($id: ID!) { revokeAccessToken(id: $id) { revokedAt } }',
      { id: token.id },
      secret,
    );
    expect(revoked.revokeAccessToken.revokedAt).toBeTruthy();
    await expectAudit(t, null, { action: 'access-token.revoke', targetId: token.id });
    const after = await t.gql('{ viewer { id } }', {}, secret);
    expect(after.status).toBe(401);
    expect(codesOf(after)).toEqual(['UNAUTHENTICATED']);
  });

  it('rejects an expired access token and a past expiry', async () => {
    const created = await t.gqlOk<{ createAccessToken: { secret: string; token: { id: string; expiresAt: string } } }>(
      CREATE_TOKEN,
      { input: { name: 'expiring', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } },
      admin.token,
    );
    const { secret, token } = created.createAccessToken;
    expect((await t.gql('{ viewer { id } }', {}, secret)).errors).toBeUndefined();
    await t.server.db.prisma.accessToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(codesOf(await t.gql('{ viewer { id } }', {}, secret))).toEqual(['UNAUTHENTICATED']);

    const past = await t.gql(CREATE_TOKEN, { input: { name: 'past', expiresAt: '2000-01-01T00:00:00Z' } }, admin.token);
    expect(codesOf(past)).toEqual(['BAD_USER_INPUT']);
  });

  it('a password reset revokes every access token of the account along with its sessions', async () => {
    const victim = await seedUser(t, org.id, 'MEMBER', { password: PASSWORD });
    // What someone holding the old password could have left behind: a session and a token of their own.
    const { cookie } = await signIn(t, victim.email, PASSWORD);
    const minted = await t.gqlOk<{ createAccessToken: { secret: string } }>(CREATE_TOKEN, { input: { name: 'kept' } }, victim.token);
    const reset = await t.server.services.auth.setPassword(victim.email, 'a brand new password');
    expect(reset.revokedAccessTokens).toBe(2);
    for (const token of [victim.token, minted.createAccessToken.secret])
      expect(codesOf(await t.gql('{ viewer { id } }', {}, token))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await gqlWithCookie(t, cookie as string, '{ viewer { id } }'))).toEqual(['UNAUTHENTICATED']);
    const entry = await expectAudit(t, null, { action: 'user.set-password', targetId: victim.userId });
    expect(entry.details).toMatchObject({ revokedAccessTokens: 2 });
    // The account itself goes on: signed in with the new password, its owner makes new tokens.
    const fresh = await signIn(t, victim.email, 'a brand new password');
    expect(fresh.status).toBe(200);
    expect((await gqlWithCookie(t, fresh.cookie as string, CREATE_TOKEN, { input: { name: 'after reset' } })).errors).toBeUndefined();
  });

  it('a token that expires cannot make a token that outlives it; a session can', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const parent = await t.gqlOk<{ createAccessToken: { secret: string; token: { expiresAt: string } } }>(
      CREATE_TOKEN,
      { input: { name: 'expiring parent', expiresAt } },
      admin.token,
    );
    const parentSecret = parent.createAccessToken.secret;
    expect(parent.createAccessToken.token.expiresAt).toBe(expiresAt);

    const inherited = await t.gqlOk<{ createAccessToken: { token: { expiresAt: string | null } } }>(
      CREATE_TOKEN,
      { input: { name: 'child without expiry' } },
      parentSecret,
    );
    expect(inherited.createAccessToken.token.expiresAt).toBe(expiresAt);
    const later = await t.gql(
      CREATE_TOKEN,
      { input: { name: 'child outliving', expiresAt: new Date(Date.now() + 7_200_000).toISOString() } },
      parentSecret,
    );
    expect(codesOf(later)).toEqual(['BAD_USER_INPUT']);
    expect(later.errors?.[0]?.message).toContain(expiresAt);
    const sooner = new Date(Date.now() + 600_000).toISOString();
    const shorter = await t.gqlOk<{ createAccessToken: { token: { expiresAt: string } } }>(
      CREATE_TOKEN,
      { input: { name: 'child sooner', expiresAt: sooner } },
      parentSecret,
    );
    expect(shorter.createAccessToken.token.expiresAt).toBe(sooner);

    // Signed in with a password (a session), or with a token that never expires: no ceiling.
    const { cookie } = await signIn(t, admin.email, PASSWORD);
    const viaSession = await gqlWithCookie<{ createAccessToken: { token: { expiresAt: string | null } } }>(
      t,
      cookie as string,
      CREATE_TOKEN,
      {
        input: { name: 'from the dashboard' },
      },
    );
    expect(viaSession.data?.createAccessToken.token.expiresAt).toBeNull();
    const viaLasting = await t.gqlOk<{ createAccessToken: { token: { expiresAt: string | null } } }>(
      CREATE_TOKEN,
      { input: { name: 'from a lasting token' } },
      admin.token,
    );
    expect(viaLasting.createAccessToken.token.expiresAt).toBeNull();
  });

  it('create-token (the operator CLI) audits the membership it adds or changes and keeps the last OWNER', async () => {
    const cli = (email: string, organization?: { id: string; role: 'OWNER' | 'ADMIN' | 'MEMBER' }) =>
      t.server.services.auth.createTokenForUser({ email, name: 'cli', operator: false, ...(organization ? { organization } : {}) });
    const own = await seedOrganization(t);
    const email = `cli-${Date.now()}@example.test`;
    const added = await cli(email, { id: own.id, role: 'MEMBER' });
    const userId = added.token.userId;
    expect((await expectAudit(t, own.id, { action: 'member.add', targetId: userId })).details).toEqual({ email, role: 'MEMBER' });
    await cli(email, { id: own.id, role: 'ADMIN' });
    const changed = await expectAudit(t, own.id, { action: 'member.change-role', targetId: userId });
    expect(changed.details).toEqual({ email, role: 'ADMIN', previousRole: 'MEMBER' });
    // The same role again changes nothing, so it writes nothing.
    const before = (await auditEntries(t, own.id)).length;
    await cli(email, { id: own.id, role: 'ADMIN' });
    expect((await auditEntries(t, own.id)).length).toBe(before);

    // The operator created the organization and is its only OWNER: the CLI cannot demote them.
    const operator = await t.gqlOk<{ viewer: { id: string; email: string } }>('{ viewer { id email } }');
    await expect(cli(operator.viewer.email, { id: own.id, role: 'MEMBER' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const role = () =>
      t.server.db.prisma.membership.findUniqueOrThrow({
        where: { userId_organizationId: { userId: operator.viewer.id, organizationId: own.id } },
      });
    expect((await role()).role).toBe('OWNER');
    // With another OWNER, it can.
    await cli(email, { id: own.id, role: 'OWNER' });
    await cli(operator.viewer.email, { id: own.id, role: 'MEMBER' });
    expect((await role()).role).toBe('MEMBER');
  });

  it('does not accept a gateway key as a control-plane token', async () => {
    const project = await t.gqlOk<{ createProject: { id: string } }>(
      'mutation($o: ID!) { createProject(input: { organizationId: $o, name: "gk" }) { id } }',
      { o: org.id },
    );
    const key = await t.gqlOk<{ createGatewayKey: { secret: string } }>(
      'mutation($p: ID!) { createGatewayKey(input: { projectId: $p, name: "k" }) { secret } }',
      {
        p: project.createProject.id,
      },
    );
    expect(codesOf(await t.gql('{ viewer { id } }', {}, key.createGatewayKey.secret))).toEqual(['UNAUTHENTICATED']);
  });
});
