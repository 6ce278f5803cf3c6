import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, expectAudit, gqlWithCookie, type SeededUser, seedOrganization, seedUser, signIn } from '../support/control-plane.js';
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
