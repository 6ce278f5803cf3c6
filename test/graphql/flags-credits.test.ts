import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, codesOf, expectAudit, type SeededUser, seedOrganization, seedProject, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const FLAGS = '{ featureFlags { key description enabled envOverride overrides { scope scopeId enabled } } }';
const SET_FLAG =
  'mutation($input: SetFeatureFlagInput!) { setFeatureFlag(input: $input) { key enabled overrides { scope scopeId enabled } } }';
const CLEAR_OVERRIDE =
  'mutation($input: ClearFeatureFlagOverrideInput!) { clearFeatureFlagOverride(input: $input) { key enabled overrides { scope scopeId enabled } } }';
const ADD_CREDITS = `mutation($input: AddCreditsInput!) { addCredits(input: $input) {
  organization { id creditBalance } entry { kind amountUsd balanceAfter note } } }`;

interface Flag {
  key: string;
  enabled: boolean;
  envOverride: boolean | null;
  overrides: { scope: string; scopeId: string; enabled: boolean }[];
}

describe.each(availableBackends())('feature flags and credits on %s', (backend) => {
  let t: TestServer;
  let org: { id: string };
  let project: { id: string };
  let owner: SeededUser;
  let member: SeededUser;

  beforeAll(async () => {
    t = await startTestServer(backend);
    org = await seedOrganization(t);
    project = await seedProject(t, org.id);
    owner = await seedUser(t, org.id, 'OWNER');
    member = await seedUser(t, org.id, 'MEMBER');
  });
  afterAll(() => t?.close());

  it('lists hosted-key-llm, off by default, with no env override', async () => {
    const data = await t.gqlOk<{ featureFlags: Flag[] }>(FLAGS);
    const flag = data.featureFlags.find((f) => f.key === 'hosted-key-llm');
    expect(flag).toMatchObject({ enabled: false, envOverride: null, overrides: [] });
  });

  it('sets the flag globally, per organization and per project, auditing each', async () => {
    const global = await t.gqlOk<{ setFeatureFlag: Flag }>(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: true } });
    expect(global.setFeatureFlag).toMatchObject({ key: 'hosted-key-llm', enabled: true });
    const globalEntry = await expectAudit(t, null, { action: 'feature-flag.set', targetId: 'hosted-key-llm' });
    expect(globalEntry.details).toEqual({ key: 'hosted-key-llm', enabled: true, scope: 'GLOBAL', scopeId: null });

    await t.gqlOk(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: false, organizationId: org.id } });
    const scoped = await t.gqlOk<{ setFeatureFlag: Flag }>(SET_FLAG, {
      input: { key: 'hosted-key-llm', enabled: true, projectId: project.id },
    });
    expect(scoped.setFeatureFlag.enabled).toBe(true);
    expect(scoped.setFeatureFlag.overrides).toEqual(
      expect.arrayContaining([
        { scope: 'ORGANIZATION', scopeId: org.id, enabled: false },
        { scope: 'PROJECT', scopeId: project.id, enabled: true },
      ]),
    );
    const orgEntry = await expectAudit(t, org.id, { action: 'feature-flag.set' });
    expect(orgEntry.details).toEqual({ key: 'hosted-key-llm', enabled: true, scope: 'PROJECT', scopeId: project.id });
    expect(orgEntry.actorLabel).toContain('KEYPLANE_ADMIN_TOKEN');

    // Project override beats organization override beats global.
    const flags = t.server.services.flags;
    expect((await flags.enabledFor(['hosted-key-llm'], org.id, project.id))['hosted-key-llm']).toBe(true);
    expect((await flags.enabledFor(['hosted-key-llm'], org.id, 'another-project'))['hosted-key-llm']).toBe(false);
    expect((await flags.enabledFor(['hosted-key-llm'], 'another-org', 'another-project'))['hosted-key-llm']).toBe(true);
  });

  it('rejects unknown flags, unknown scopes and both scopes at once', async () => {
    const cases = [
      [{ key: 'no-such-flag', enabled: true }, 'BAD_USER_INPUT'],
      [{ key: 'hosted-key-llm', enabled: true, organizationId: org.id, projectId: project.id }, 'BAD_USER_INPUT'],
      [{ key: 'hosted-key-llm', enabled: true, projectId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND'],
      [{ key: 'hosted-key-llm', enabled: true, organizationId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND'],
    ] as const;
    for (const [input, code] of cases) expect(codesOf(await t.gql(SET_FLAG, { input })), JSON.stringify(input)).toEqual([code]);
  });

  it('removes a project or organization override so it inherits again, auditing each removal', async () => {
    // From the test above: global on, organization off, project on.
    const flags = t.server.services.flags;
    expect((await flags.enabledFor(['hosted-key-llm'], org.id, project.id))['hosted-key-llm']).toBe(true);

    const project1 = await t.gqlOk<{ clearFeatureFlagOverride: Flag }>(CLEAR_OVERRIDE, {
      input: { key: 'hosted-key-llm', projectId: project.id },
    });
    expect(project1.clearFeatureFlagOverride).toMatchObject({ key: 'hosted-key-llm', enabled: true });
    expect(project1.clearFeatureFlagOverride.overrides).toEqual([{ scope: 'ORGANIZATION', scopeId: org.id, enabled: false }]);
    // The project now inherits its organization's value.
    expect((await flags.enabledFor(['hosted-key-llm'], org.id, project.id))['hosted-key-llm']).toBe(false);
    const projectEntry = await expectAudit(t, org.id, {
      action: 'feature-flag.clear',
      targetId: 'hosted-key-llm',
      actor: 'KEYPLANE_ADMIN_TOKEN',
    });
    expect(projectEntry.details).toEqual({ key: 'hosted-key-llm', scope: 'PROJECT', scopeId: project.id, previous: true });

    const org1 = await t.gqlOk<{ clearFeatureFlagOverride: Flag }>(CLEAR_OVERRIDE, {
      input: { key: 'hosted-key-llm', organizationId: org.id },
    });
    expect(org1.clearFeatureFlagOverride.overrides).toEqual([]);
    // Both now inherit the global value (on).
    expect((await flags.enabledFor(['hosted-key-llm'], org.id, project.id))['hosted-key-llm']).toBe(true);
    const orgEntry = await expectAudit(t, org.id, { action: 'feature-flag.clear' });
    expect(orgEntry.details).toEqual({ key: 'hosted-key-llm', scope: 'ORGANIZATION', scopeId: org.id, previous: false });

    // Removing an override that is not there changes nothing and writes no entry.
    const before = (await auditEntries(t, org.id)).filter((e) => e.action === 'feature-flag.clear').length;
    const again = await t.gqlOk<{ clearFeatureFlagOverride: Flag }>(CLEAR_OVERRIDE, {
      input: { key: 'hosted-key-llm', organizationId: org.id },
    });
    expect(again.clearFeatureFlagOverride).toMatchObject({ enabled: true, overrides: [] });
    expect((await auditEntries(t, org.id)).filter((e) => e.action === 'feature-flag.clear').length).toBe(before);
  });

  it('refuses to clear without exactly one known scope, an unknown flag, or for non-operators', async () => {
    const cases = [
      [{ key: 'hosted-key-llm' }, 'BAD_USER_INPUT'],
      [{ key: 'hosted-key-llm', organizationId: org.id, projectId: project.id }, 'BAD_USER_INPUT'],
      [{ key: 'no-such-flag', organizationId: org.id }, 'BAD_USER_INPUT'],
      [{ key: 'hosted-key-llm', projectId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND'],
      [{ key: 'hosted-key-llm', organizationId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND'],
    ] as const;
    for (const [input, code] of cases) expect(codesOf(await t.gql(CLEAR_OVERRIDE, { input })), JSON.stringify(input)).toEqual([code]);
    await t.gqlOk(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: false, organizationId: org.id } });
    for (const user of [owner, member]) {
      const denied = await t.gql(CLEAR_OVERRIDE, { input: { key: 'hosted-key-llm', organizationId: org.id } }, user.token);
      expect(codesOf(denied)).toEqual(['FORBIDDEN']);
      expect(denied.data).toBeNull();
    }
    expect(codesOf(await t.gql(CLEAR_OVERRIDE, { input: { key: 'hosted-key-llm', organizationId: org.id } }, null))).toEqual([
      'UNAUTHENTICATED',
    ]);
    // Still there.
    expect((await t.server.services.flags.enabledFor(['hosted-key-llm'], org.id, project.id))['hosted-key-llm']).toBe(false);
    await t.gqlOk(CLEAR_OVERRIDE, { input: { key: 'hosted-key-llm', organizationId: org.id } });
  });

  it('keeps flags operator-only, even for an organization OWNER', async () => {
    expect(codesOf(await t.gql(FLAGS, {}, owner.token))).toEqual(['FORBIDDEN']);
    const set = await t.gql(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: true, organizationId: org.id } }, owner.token);
    expect(codesOf(set)).toEqual(['FORBIDDEN']);
    expect(set.data).toBeNull();
  });

  it('adds credits to the ledger and balance, audited; the ledger is readable by members', async () => {
    const first = await t.gqlOk<{ addCredits: { organization: { creditBalance: string }; entry: Record<string, string> } }>(ADD_CREDITS, {
      input: { organizationId: org.id, amountUsd: '10.000000000001', note: 'trial' },
    });
    expect(first.addCredits.entry).toEqual({ kind: 'GRANT', amountUsd: '10.000000000001', balanceAfter: '10.000000000001', note: 'trial' });
    const second = await t.gqlOk<{ addCredits: { organization: { creditBalance: string } } }>(ADD_CREDITS, {
      input: { organizationId: org.id, amountUsd: 0.1 },
    });
    // Decimal, not float: 10.000000000001 + 0.1 stays exact.
    expect(second.addCredits.organization.creditBalance).toBe('10.100000000001');
    const entry = await expectAudit(t, org.id, { action: 'credits.add', targetId: org.id, actor: 'KEYPLANE_ADMIN_TOKEN' });
    expect(entry.details).toMatchObject({ amountUsd: '0.1', balanceAfter: '10.100000000001' });

    const ledger = await t.gqlOk<{
      organization: {
        creditBalance: string;
        creditLedger: { nodes: { amountUsd: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      };
    }>(
      'query($id: ID!) { organization(id: $id) { creditBalance creditLedger(first: 1) { nodes { amountUsd } pageInfo { hasNextPage endCursor } } } }',
      { id: org.id },
      member.token,
    );
    expect(ledger.organization.creditBalance).toBe('10.100000000001');
    expect(ledger.organization.creditLedger.nodes).toEqual([{ amountUsd: '0.1' }]);
    expect(ledger.organization.creditLedger.pageInfo.hasNextPage).toBe(true);
    const next = await t.gqlOk<{ organization: { creditLedger: { nodes: { amountUsd: string }[]; pageInfo: { hasNextPage: boolean } } } }>(
      'query($id: ID!, $after: String) { organization(id: $id) { creditLedger(first: 1, after: $after) { nodes { amountUsd } pageInfo { hasNextPage } } } }',
      { id: org.id, after: ledger.organization.creditLedger.pageInfo.endCursor },
      member.token,
    );
    expect(next.organization.creditLedger).toEqual({ nodes: [{ amountUsd: '10.000000000001' }], pageInfo: { hasNextPage: false } });
  });

  it('refuses credits from non-operators and bad amounts', async () => {
    const byOwner = await t.gql(ADD_CREDITS, { input: { organizationId: org.id, amountUsd: '5' } }, owner.token);
    expect(codesOf(byOwner)).toEqual(['FORBIDDEN']);
    for (const amountUsd of ['0', '-5', 'ten', '1e3', '99999999999']) {
      const result = await t.gql(ADD_CREDITS, { input: { organizationId: org.id, amountUsd } });
      expect(codesOf(result), amountUsd).toEqual(['BAD_USER_INPUT']);
    }
    const unknown = await t.gql(ADD_CREDITS, { input: { organizationId: '00000000-0000-0000-0000-000000000000', amountUsd: '5' } });
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
  });

  it('pages the audit log (ADMIN+ per organization, operators platform-wide)', async () => {
    const page = await t.gqlOk<{ auditLog: { nodes: { action: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      'query($org: ID) { auditLog(organizationId: $org, first: 2) { nodes { action } pageInfo { hasNextPage endCursor } } }',
      { org: org.id },
      owner.token,
    );
    expect(page.auditLog.nodes).toHaveLength(2);
    expect(page.auditLog.pageInfo.hasNextPage).toBe(true);
    const rest = await t.gqlOk<{ auditLog: { nodes: { action: string }[] } }>(
      'query($org: ID, $after: String) { auditLog(organizationId: $org, first: 200, after: $after) { nodes { action } } }',
      { org: org.id, after: page.auditLog.pageInfo.endCursor },
      owner.token,
    );
    const all = [...page.auditLog.nodes, ...rest.auditLog.nodes].map((n) => n.action);
    expect(all.at(-1)).toBe('organization.create');
    expect(new Set(all).size).toBeGreaterThan(3);

    expect(
      codesOf(await t.gql('query($org: ID) { auditLog(organizationId: $org) { nodes { id } } }', { org: org.id }, member.token)),
    ).toEqual(['FORBIDDEN']);
    expect(codesOf(await t.gql('{ auditLog { nodes { id } } }', {}, owner.token))).toEqual(['FORBIDDEN']);
    const platform = await t.gqlOk<{ auditLog: { nodes: { organizationId: string | null }[] } }>(
      '{ auditLog(first: 200) { nodes { organizationId } } }',
    );
    expect(platform.auditLog.nodes.some((n) => n.organizationId === null)).toBe(true);
    expect(platform.auditLog.nodes.some((n) => n.organizationId === org.id)).toBe(true);
  });
});

describe('HOSTED_KEY_LLM environment override', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', { HOSTED_KEY_LLM: 'true' });
  });
  afterAll(() => t?.close());

  it('shows the override and makes it decide everywhere', async () => {
    const org = await seedOrganization(t);
    await t.gqlOk(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: false, organizationId: org.id } });
    const data = await t.gqlOk<{ featureFlags: Flag[] }>(FLAGS);
    expect(data.featureFlags.find((f) => f.key === 'hosted-key-llm')?.envOverride).toBe(true);
    expect((await t.server.services.flags.enabledFor(['hosted-key-llm'], org.id, 'p'))['hosted-key-llm']).toBe(true);
  });
});
