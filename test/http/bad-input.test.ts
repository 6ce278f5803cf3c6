/**
 * Hostile or broken requests get a 4xx or a GraphQL error code the caller can act on —
 * never a 500 — and the server keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, seedOrganization } from '../support/control-plane.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.js';

const CLIENT_CODES = [
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
];

describe('bad input (PGlite)', () => {
  let t: TestServer;
  let org: { id: string };

  beforeAll(async () => {
    t = await startTestServer('pglite');
    org = await seedOrganization(t);
  });
  afterAll(() => t?.close());

  async function post(body: string, headers: Record<string, string> = {}) {
    const response = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
      body,
    });
    const text = t.responses.at(-1) as string;
    return { status: response.status, text, json: safeJson(text) };
  }

  function expectClientError(result: { status: number; text: string; json: unknown }, label: string) {
    expect(result.status, `${label}: ${result.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(result.status, label).toBeLessThan(500);
    expect(result.text, label).not.toMatch(/INTERNAL_SERVER_ERROR/);
  }

  it('malformed JSON, wrong shapes and batches → 400', async () => {
    const bodies: [string, string][] = [
      ['{"query": "{ viewer { id } }"', 'truncated JSON'],
      ['{"query": "{ viewer { id } }",}', 'trailing comma'],
      ['', 'empty body'],
      ['null', 'null'],
      ['"just a string"', 'a string'],
      ['{"query": 42}', 'query is a number'],
      ['{}', 'no query'],
      ['{"query": "{ viewer { id } }", "variables": "nope"}', 'variables is a string'],
      ['[{"query": "{ viewer { id } }"}, {"query": "{ organizations { id } }"}]', 'batched array'],
      ['[]', 'empty batch'],
    ];
    for (const [body, label] of bodies) expectClientError(await post(body), label);
    const textPlain = await post('{ viewer { id } }', { 'content-type': 'text/plain' });
    expectClientError(textPlain, 'text/plain (CSRF-prone) body');
  });

  it('wrong variable types and unknown enum values → BAD_USER_INPUT', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['query($id: ID!) { organization(id: $id) { id } }', { id: { nested: true } }],
      ['query($id: ID!) { organization(id: $id) { id } }', {}],
      ['query($first: Int) { auditLog(first: $first) { nodes { id } } }', { first: 'ten' }],
      ['query($first: Int) { auditLog(first: $first) { nodes { id } } }', { first: 2 ** 40 }],
      [
        'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }',
        { input: { organizationId: org.id, name: 'x', mode: 'FREE' } },
      ],
      [
        'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret } }',
        { input: { name: 'x', expiresAt: 'tomorrow' } },
      ],
      [
        'mutation($input: AddCreditsInput!) { addCredits(input: $input) { entry { id } } }',
        { input: { organizationId: org.id, amountUsd: true } },
      ],
    ];
    for (const [query, variables] of cases) {
      const result = await t.gql(query, variables);
      expect(result.status, JSON.stringify(variables)).toBe(400);
      expect(codesOf(result), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('out-of-range values the domain checks → BAD_USER_INPUT', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['query($first: Int) { auditLog(first: $first) { nodes { id } } }', { first: 0 }],
      ['query($first: Int) { auditLog(first: $first) { nodes { id } } }', { first: 100_000 }],
      ['query($after: String) { auditLog(after: $after) { nodes { id } } }', { after: 'not-a-cursor' }],
      ['mutation($name: String!) { createOrganization(input: { name: $name }) { id } }', { name: 'tab\there' }],
      ['mutation($name: String!) { createOrganization(input: { name: $name }) { id } }', { name: '   ' }],
      ['mutation($slug: String!) { createOrganization(input: { name: "ok", slug: $slug }) { id } }', { slug: 'Not A Slug!' }],
      [
        'mutation($email: String!) { addMember(input: { organizationId: "x", email: $email, role: MEMBER }) { invitation { id } } }',
        { email: 'not-an-email' },
      ],
    ];
    for (const [query, variables] of cases)
      expect(codesOf(await t.gql(query, variables)), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
  });

  it('oversized strings: 1 MB names and bodies past the limit', async () => {
    const long = await t.gql('mutation($name: String!) { createOrganization(input: { name: $name }) { id } }', {
      name: 'x'.repeat(200_000),
    });
    expect(codesOf(long)).toEqual(['BAD_USER_INPUT']);
    const huge = await post(
      JSON.stringify({
        query: 'mutation($name: String!) { createOrganization(input: { name: $name }) { id } }',
        variables: { name: 'x'.repeat(1024 * 1024) },
      }),
    );
    expectClientError(huge, '1 MB name');
    expect(huge.status).toBe(413);
    const manyTokens = await post(JSON.stringify({ query: `{ ${'viewer { id } '.repeat(3000)} }` }));
    expectClientError(manyTokens, 'too many tokens');
  });

  it('unknown ids → NOT_FOUND', async () => {
    const nil = '00000000-0000-0000-0000-000000000000';
    for (const [query, variables] of [
      ['query($id: ID!) { organization(id: $id) { id } }', { id: nil }],
      ['query($id: ID!) { organization(id: $id) { id } }', { id: '\'; DROP TABLE "Organization"; --' }],
      ['query($id: ID!) { project(id: $id) { id } }', { id: 'x'.repeat(5000) }],
      ['mutation($id: ID!) { updateProject(id: $id, input: { name: "n" }) { id } }', { id: nil }],
      ['mutation($id: ID!) { updateOrganization(id: $id, input: { name: "n" }) { id } }', { id: nil }],
    ] as const) {
      expect(codesOf(await t.gql(query, variables)), JSON.stringify(variables).slice(0, 80)).toEqual(['NOT_FOUND']);
    }
    expect((await t.gqlOk<{ organizations: unknown[] }>('{ organizations { id } }')).organizations.length).toBeGreaterThan(0);
  });

  it('deep nesting, alias floods, directive floods and syntax errors → 400', async () => {
    let deep = 'id';
    for (let i = 0; i < 8; i += 1) deep = `organization { projects { ${deep} } }`;
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: viewer { id }`).join(' ');
    const directives = `{ viewer { id ${'@include(if: true) '.repeat(40)} } }`;
    // Within the depth, alias and token limits; repeating (mergeable) selections runs up the cost.
    const branch = `projects { id name mode gatewayKeys { id name prefix rpmLimit } organization { id name slug members { id role user { id email } }
      providerKeys { id mask } projects { id name gatewayKeys { id name } organization { id name projects { id name } } } } } `;
    const wide = `{ organizations { ${branch.repeat(30)} } }`;
    const queries: [string, string][] = [
      [`query($id: ID!) { project(id: $id) { ${deep} } }`, 'depth'],
      [`{ ${aliases} }`, 'aliases'],
      [directives, 'directives'],
      [wide, 'cost'],
      ['{ viewer { id ', 'unterminated'],
      ['{ nope }', 'unknown field'],
      ['query { viewer { id } } query { viewer { id } }', 'two anonymous operations'],
      ['subscription { viewer { id } }', 'subscription'],
      ['query A { viewer { id } }', 'unknown operationName'],
    ];
    for (const [query, label] of queries) {
      const operationName = label === 'unknown operationName' ? 'B' : undefined;
      const result = await post(JSON.stringify({ query, variables: { id: 'x' }, operationName }));
      expectClientError(result, label);
      const codes = ((result.json as { errors?: { extensions?: { code?: string } }[] } | null)?.errors ?? []).map(
        (e) => e.extensions?.code,
      );
      expect(codes.length, label).toBeGreaterThan(0);
      for (const code of codes) expect(CLIENT_CODES, `${label}: ${result.text.slice(0, 200)}`).toContain(code);
    }
  });

  it('other routes: unknown paths and sign-in abuse stay 4xx', async () => {
    expect((await t.fetch('/v0/nothing', { method: 'POST' })).status).toBe(404);
    const signIn = await t.fetch('/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a'.repeat(10_000), password: 'x' }),
    });
    expect(signIn.status).toBe(400);
    const notJson = await t.fetch('/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('still serves, and never answered 500 or logged an unhandled error', async () => {
    expect((await t.gqlOk<{ viewer: { isOperator: boolean } }>('{ viewer { isOperator } }')).viewer.isOperator).toBe(true);
    expect((await t.fetch('/healthz')).status).toBe(200);
    expect(t.responses.filter((body) => body.includes('INTERNAL_SERVER_ERROR'))).toEqual([]);
    expect(t.logs.filter((line) => /"level":50|Unhandled error|resolver failed/.test(line))).toEqual([]);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
