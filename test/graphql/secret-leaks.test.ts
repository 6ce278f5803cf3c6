/**
 * Plaintext secrets go in, through success and error paths; afterwards no log line, no
 * response (but the one reply that hands a new secret out) and no database row holds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../server/secrets/tokens.js';
import {
  acceptInvitation,
  codesOf,
  gqlWithCookie,
  invite,
  type SeededUser,
  seedOrganization,
  seedUser,
  signIn,
} from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.js';

const SET_KEY = 'mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id mask } }';

describe.each(availableBackends())('secrets stay secret on %s', (backend) => {
  let t: TestServer;
  let org: { id: string };
  let member: SeededUser;
  // Plaintexts that must never come back; `once` ones may appear in exactly one response.
  const never = new Map<string, string>();
  const once = new Map<string, string>();

  const canary = (label: string, value: string) => {
    never.set(label, value);
    return value;
  };

  beforeAll(async () => {
    t = await startTestServer(backend);
    org = await seedOrganization(t);
    member = await seedUser(t, org.id, 'MEMBER');
    never.set('admin token', ADMIN_TOKEN);
    never.set('member token', member.token);
  });
  afterAll(() => t?.close());

  it('provider keys: stored, replaced, rejected, refused — replies hold masks only', async () => {
    const anthropic = canary('anthropic key', `sk-ant-LEAKCANARY${randomBase62(32)}`);
    const openai = canary('openai key', `sk-LEAKCANARYopenai${randomBase62(32)}`);
    const ok = await t.gqlOk<{ setProviderKey: { mask: string } }>(SET_KEY, {
      input: { organizationId: org.id, provider: 'anthropic', key: anthropic },
    });
    expect(ok.setProviderKey.mask).toBe(`sk-ant-…${anthropic.slice(-4)}`);
    await t.gqlOk(SET_KEY, { input: { organizationId: org.id, provider: 'openai', key: openai } });
    await t.gqlOk(SET_KEY, {
      input: { organizationId: org.id, provider: 'anthropic', key: canary('replacement', `sk-ant-LEAKCANARYnew${randomBase62(30)}`) },
    });

    const failures: [Record<string, unknown>, string][] = [
      [
        { organizationId: org.id, provider: 'openai', key: canary('wrong format', `AIzaLEAKCANARYwrong${randomBase62(30)}`) },
        'BAD_USER_INPUT',
      ],
      [{ organizationId: org.id, provider: 'openai', key: canary('too long', `sk-LEAKCANARYlong${randomBase62(600)}`) }, 'BAD_USER_INPUT'],
      [{ organizationId: org.id, provider: 'openai', key: canary('with space', `sk-LEAKCANARY ${randomBase62(30)}`) }, 'BAD_USER_INPUT'],
      [
        { organizationId: org.id, provider: 'no-such', key: canary('unknown provider', `sk-LEAKCANARYprov${randomBase62(30)}`) },
        'BAD_USER_INPUT',
      ],
      // Variable coercion failures: graphql-js would print the whole input object, key included.
      [
        { organizationId: org.id, provider: 'openai', key: canary('extra field', `sk-LEAKCANARYextra${randomBase62(30)}`), colour: 'red' },
        'BAD_USER_INPUT',
      ],
      [{ organizationId: org.id, key: canary('missing field', `sk-LEAKCANARYmissing${randomBase62(30)}`) }, 'BAD_USER_INPUT'],
      [
        {
          organizationId: '00000000-0000-0000-0000-000000000000',
          provider: 'openai',
          key: canary('unknown org', `sk-LEAKCANARYorg${randomBase62(30)}`),
        },
        'NOT_FOUND',
      ],
    ];
    for (const [input, code] of failures) {
      const result = await t.gql(SET_KEY, { input });
      expect(codesOf(result), JSON.stringify(input).slice(0, 120)).toEqual([code]);
    }
    const byMember = await t.gql(
      SET_KEY,
      { input: { organizationId: org.id, provider: 'openai', key: canary('member', `sk-LEAKCANARYmember${randomBase62(30)}`) } },
      member.token,
    );
    expect(codesOf(byMember)).toEqual(['FORBIDDEN']);
    const asLiteral = await t.gql(
      `mutation { setProviderKey(input: { organizationId: "${org.id}", provider: "openai", region: 7, key: "${canary('literal', `sk-LEAKCANARYliteral${randomBase62(30)}`)}" }) { id } }`,
    );
    expect(asLiteral.status).toBe(400);
    const syntax = await t.gql(
      `mutation { setProviderKey(input: { provider: "openai", key "${canary('syntax error', `sk-LEAKCANARYsyntax${randomBase62(30)}`)}" }) { id } }`,
    );
    expect([syntax.status, codesOf(syntax)]).toEqual([400, ['GRAPHQL_PARSE_FAILED']]);
    const wrongType = await t.gql(
      `mutation { createGatewayKey(input: { projectId: "x", name: "n", rpmLimit: "${canary('literal of wrong type', `sk-LEAKCANARYint${randomBase62(30)}`)}" }) { secret } }`,
    );
    expect([wrongType.status, codesOf(wrongType)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
  });

  it('passwords and invitation links: chosen when accepting, used to sign in, mistyped', async () => {
    const password = canary('password', `pw-LEAKCANARY-${randomBase62(16)}`);
    const email = 'pw-user@example.test';
    const refused = await t.gql('mutation($input: AddMemberInput!) { addMember(input: $input) { invitation { id } } }', {
      input: {
        organizationId: org.id,
        email,
        role: 'MEMBER',
        password: canary('password for someone else', `pw-LEAKCANARYother${randomBase62(10)}`),
      },
    });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    const invitation = await invite(t, { organizationId: org.id, email, role: 'MEMBER' });
    once.set('invitation link', invitation.token);
    const short = await acceptInvitation(t, { token: invitation.token, password: canary('short password', 'LEAKCNY') });
    expect(short.status).toBe(400);
    expect((await acceptInvitation(t, { token: invitation.token, password })).status).toBe(200);
    const badRole = await t.gql('mutation($input: AddMemberInput!) { addMember(input: $input) { invitation { id } } }', {
      input: {
        organizationId: org.id,
        email: 'x@example.test',
        role: 'KING',
        password: canary('bad role password', `pw-LEAKCANARYrole${randomBase62(10)}`),
      },
    });
    expect(codesOf(badRole)).toEqual(['BAD_USER_INPUT']);

    expect((await signIn(t, email, canary('wrong password', `pw-LEAKCANARYwrong${randomBase62(10)}`))).status).toBe(401);
    const malformed = await t.fetch('/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"email":"${email}","password":"${canary('malformed body password', `pw-LEAKCANARYjson${randomBase62(10)}`)}",}`,
    });
    expect(malformed.status).toBe(400);
    const session = await signIn(t, email, password);
    expect(session.status).toBe(200);
    never.set('session cookie', (session.cookie as string).slice('kp_session='.length));
    expect((await gqlWithCookie(t, session.cookie as string, '{ viewer { email } }')).data).toEqual({ viewer: { email } });
    await t.fetch('/auth/sign-out', { method: 'POST', headers: { cookie: session.cookie as string } });
  });

  it('a malformed GraphQL body holding a key is refused without echoing it', async () => {
    const key = canary('malformed graphql body', `sk-ant-LEAKCANARYbody${randomBase62(30)}`);
    const response = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: `{"query":"mutation($k: String!) { x }","variables":{"k":"${key}"},,}`,
    });
    expect(response.status).toBe(400);
  });

  it('gateway keys and access tokens: the creating reply is the only place the secret appears', async () => {
    const project = await t.gqlOk<{ createProject: { id: string } }>(
      'mutation($o: ID!) { createProject(input: { organizationId: $o, name: "p" }) { id } }',
      { o: org.id },
    );
    const gateway = await t.gqlOk<{ createGatewayKey: { secret: string; key: { id: string } } }>(
      'mutation($p: ID!) { createGatewayKey(input: { projectId: $p, name: "k" }) { secret key { id } } }',
      { p: project.createProject.id },
    );
    once.set('gateway key', gateway.createGatewayKey.secret);
    // Misused as a control-plane token: refused, and the refusal must not echo it.
    expect(codesOf(await t.gql('{ viewer { id } }', {}, gateway.createGatewayKey.secret))).toEqual(['UNAUTHENTICATED']);
    await t.gqlOk('mutation($id: ID!) { revokeGatewayKey(id: $id) { id } }', { id: gateway.createGatewayKey.key.id });
    await t.gqlOk('query($id: ID!) { project(id: $id) { gatewayKeys { id name prefix revokedAt } } }', { id: project.createProject.id });

    const token = await t.gqlOk<{ createAccessToken: { secret: string; token: { id: string } } }>(
      'mutation { createAccessToken(input: { name: "bot" }) { secret token { id } } }',
    );
    const secret = token.createAccessToken.secret;
    once.set('access token', secret);
    await t.gqlOk('{ viewer { accessTokens { id prefix } } }', {}, secret);
    await t.gqlOk('mutation($id: ID!) { revokeAccessToken(id: $id) { id } }', { id: token.createAccessToken.token.id }, secret);
    expect(codesOf(await t.gql('{ viewer { id } }', {}, secret))).toEqual(['UNAUTHENTICATED']);
    await t.gqlOk('{ auditLog(first: 200) { nodes { action details } } }');
  });

  it('no log line and no response holds a plaintext secret (except the one creating reply)', () => {
    expect(t.responses.length).toBeGreaterThan(20);
    for (const [label, secret] of never) {
      expect(
        t.logs.filter((line) => line.includes(secret)),
        `${label} in logs`,
      ).toEqual([]);
      expect(
        t.responses.filter((body) => body.includes(secret)),
        `${label} in responses`,
      ).toEqual([]);
    }
    for (const [label, secret] of once) {
      expect(
        t.logs.filter((line) => line.includes(secret)),
        `${label} in logs`,
      ).toEqual([]);
      const bodies = t.responses.filter((body) => body.includes(secret));
      expect(bodies, `${label} in responses`).toHaveLength(1);
      expect(bodies[0]).toMatch(/"(createGatewayKey|createAccessToken|addMember)"/);
    }
  });

  it('the database holds ciphertext and hashes, never a plaintext secret', async () => {
    const prisma = t.server.db.prisma;
    const rows = await prisma.providerKey.findMany({ where: { organizationId: org.id } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.ciphertext.length).toBeGreaterThan(20);
      expect(row.iv.length).toBe(12);
      expect(row.authTag.length).toBe(16);
      const plain = row.provider === 'openai' ? never.get('openai key') : never.get('replacement');
      // biome-ignore lint/complexity/useLiteralKeys: reads a private field on purpose, to decrypt what was stored
      expect(t.server.services.providerKeys['keyRing'].open(row)).toBe(plain);
    }
    const tables = await prisma.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
    expect(tables.map((r) => r.tablename)).toContain('ProviderKey');
    const dump: string[] = [];
    for (const { tablename } of tables) {
      const all = await prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
      dump.push(...all.map((r) => r.row));
    }
    const text = dump.join('\n');
    expect(text).toContain(org.id);
    for (const [label, secret] of [...never, ...once]) {
      expect(text.includes(secret), `${label} stored in plaintext`).toBe(false);
      expect(text.includes(Buffer.from(secret).toString('hex')), `${label} stored as raw bytes`).toBe(false);
    }
  });
});
