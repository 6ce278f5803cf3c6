import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { GraphQLResult, TestServer } from './test-server.js';

/** A user with a role in an organization and an access token acting as them. */
export interface SeededUser {
  userId: string;
  email: string;
  token: string;
}

export interface AuditEntryView {
  action: string;
  actorLabel: string;
  targetType: string;
  targetId: string | null;
  organizationId: string | null;
  details: Record<string, unknown> | null;
}

const unique = () => randomBytes(4).toString('hex');

/** An organization created by the operator (who becomes its OWNER). */
export async function seedOrganization(t: TestServer, name = `Org ${unique()}`): Promise<{ id: string; name: string }> {
  const data = await t.gqlOk<{ createOrganization: { id: string; name: string } }>(
    'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name } }',
    { input: { name } },
  );
  return data.createOrganization;
}

export async function seedProject(t: TestServer, organizationId: string, name = `Project ${unique()}`, token?: string) {
  const data = await t.gqlOk<{ createProject: { id: string; name: string; mode: string } }>(
    'mutation($input: CreateProjectInput!) { createProject(input: $input) { id name mode } }',
    { input: { organizationId, name } },
    token,
  );
  return data.createProject;
}

/**
 * A member made and given a token the way the operator CLI does (`create-token --org`, no
 * invitation: the operator is trusted); a password is set as `reset-password` does, before the
 * token that is returned (a reset revokes the account's tokens).
 */
export async function seedUser(
  t: TestServer,
  organizationId: string | null,
  role: 'OWNER' | 'ADMIN' | 'MEMBER',
  options: { email?: string; password?: string } = {},
): Promise<SeededUser> {
  const email = options.email ?? `${role.toLowerCase()}-${unique()}@example.test`;
  const createToken = () =>
    t.server.services.auth.createTokenForUser({
      email,
      name: 'test',
      operator: false,
      ...(organizationId ? { organization: { id: organizationId, role } } : {}),
    });
  let { token, secret } = await createToken();
  if (options.password) {
    await t.server.services.auth.setPassword(email, options.password);
    ({ token, secret } = await createToken());
  }
  return { userId: token.userId, email, token: secret };
}

/** Invite through the API (default: as the operator); returns the invitation with its one-time link. */
export async function invite(
  t: TestServer,
  input: { organizationId: string; email: string; role: 'OWNER' | 'ADMIN' | 'MEMBER' },
  token?: string,
): Promise<{ id: string; url: string; token: string; expiresAt: string }> {
  const data = await t.gqlOk<{ addMember: { invitation: { id: string; url: string; expiresAt: string } } }>(
    'mutation($input: AddMemberInput!) { addMember(input: $input) { invitation { id url expiresAt } } }',
    { input },
    token,
  );
  const invitation = data.addMember.invitation;
  return { ...invitation, token: new URL(invitation.url).hash.replace(/^#token=/, '') };
}

/** POST /auth/accept-invitation, optionally signed in (cookie). */
export async function acceptInvitation(t: TestServer, body: { token: string; password?: string }, cookie?: string) {
  const response = await t.fetch('/auth/accept-invitation', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const setCookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    body: (await response.json()) as { ok?: boolean; organizationId?: string; error?: { message: string; code: string } },
    cookie: setCookie ? (/kp_session=[^;]*/.exec(setCookie)?.[0] ?? null) : null,
    setCookie,
  };
}

/** An organization's audit log, newest first, read by the operator. */
export async function auditEntries(t: TestServer, organizationId: string | null): Promise<AuditEntryView[]> {
  const data = await t.gqlOk<{ auditLog: { nodes: AuditEntryView[] } }>(
    `query($org: ID) { auditLog(organizationId: $org, first: 200) {
      nodes { action actorLabel targetType targetId organizationId details } } }`,
    { org: organizationId },
  );
  return data.auditLog.nodes;
}

/** The newest audit entry with this action and target. */
export async function expectAudit(
  t: TestServer,
  organizationId: string | null,
  match: { action: string; targetId?: string; actor?: string },
): Promise<AuditEntryView> {
  const entries = await auditEntries(t, organizationId);
  const entry = entries.find((e) => e.action === match.action && (match.targetId === undefined || e.targetId === match.targetId));
  expect(entry, `audit entry ${match.action} ${match.targetId ?? ''} in ${JSON.stringify(entries.map((e) => e.action))}`).toBeDefined();
  if (match.actor) expect(entry?.actorLabel).toContain(match.actor);
  return entry as AuditEntryView;
}

/** The error codes of a result (empty when it succeeded). */
export function codesOf(result: GraphQLResult): string[] {
  return (result.errors ?? []).map((error) => String(error.extensions?.code));
}

/** Sign in with email and password; returns the `kp_session=…` cookie pair. */
export async function signIn(
  t: TestServer,
  email: string,
  password: string,
): Promise<{ status: number; cookie: string | null; setCookie: string | null }> {
  const response = await t.fetch('/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const setCookie = response.headers.get('set-cookie');
  const pair = setCookie ? (/kp_session=[^;]*/.exec(setCookie)?.[0] ?? null) : null;
  return { status: response.status, cookie: pair, setCookie };
}

/** POST /graphql with a session cookie instead of a bearer token. */
export async function gqlWithCookie<T = Record<string, unknown>>(
  t: TestServer,
  cookie: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult<T>> {
  const response = await t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...(await response.json()) };
}
