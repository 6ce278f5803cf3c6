/**
 * Every Query and Mutation field, called by the OWNER of organization A against organization
 * B's resources. The table must name every operation in the schema, so a new one cannot ship
 * without saying how it keeps tenants apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../server/secrets/tokens.js';
import { codesOf, invite, type SeededUser, seedOrganization, seedProject, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { type GraphQLResult, startTestServer, type TestServer } from '../support/test-server.js';

interface World {
  orgA: string;
  projectA: string;
  orgB: string;
  projectB: string;
  providerKeyB: string;
  gatewayKeyB: string;
  userB: SeededUser;
  accessTokenB: string;
  customProviderB: string;
  requestIdB: string;
  invitationB: string;
  modelPriceB: string;
  modelAliasB: string;
  webhookB: string;
  attributionBudgetB: string;
}

/**
 * denied: FORBIDDEN or NOT_FOUND and no data. scoped: succeeds, showing only the caller's own.
 * operator: FORBIDDEN for anyone but a platform operator. public: any signed-in user, no tenant data.
 */
type Kind = 'denied' | 'scoped' | 'operator' | 'public';
interface Case {
  kind: Kind;
  query: string;
  variables?: (w: World) => Record<string, unknown>;
  /** For scoped cases: something of the caller's own that the answer must include. */
  shows?: (w: World) => string;
}

const NIL = '00000000-0000-0000-0000-000000000000';

const CASES: Record<string, Case[]> = {
  'Query.viewer': [
    { kind: 'scoped', query: '{ viewer { id email memberships { organizationId role } accessTokens { id name prefix } } }' },
  ],
  'Query.organizations': [
    {
      kind: 'scoped',
      query: '{ organizations { id name projects { id name gatewayKeys { id } } members { user { id email } } providerKeys { id } } }',
      shows: (w) => w.projectA,
    },
  ],
  'Query.organization': [
    {
      kind: 'denied',
      query:
        'query($id: ID!) { organization(id: $id) { id name projects { id } members { id } providerKeys { id } invitations { id email } } }',
      variables: (w) => ({ id: w.orgB }),
    },
    {
      kind: 'denied',
      query: 'query($id: ID!) { organization(id: $id) { id creditBalance creditLedger { nodes { id } } } }',
      variables: (w) => ({ id: w.orgB }),
    },
  ],
  'Query.project': [
    {
      kind: 'denied',
      query: 'query($id: ID!) { project(id: $id) { id name organization { id name } gatewayKeys { id prefix } } }',
      variables: (w) => ({ id: w.projectB }),
    },
  ],
  'Query.featureFlags': [{ kind: 'operator', query: '{ featureFlags { key overrides { scopeId } } }' }],
  'Query.auditLog': [
    {
      kind: 'denied',
      query: 'query($o: ID) { auditLog(organizationId: $o) { nodes { id action details } } }',
      variables: (w) => ({ o: w.orgB }),
    },
    { kind: 'operator', query: '{ auditLog { nodes { id action details } } }' },
  ],
  'Query.models': [
    {
      kind: 'public',
      query: '{ models { id offers { provider providerModel price { source } overrides { id organizationId note } } } }',
    },
  ],
  'Query.modelPriceOverrides': [
    { kind: 'scoped', query: '{ modelPriceOverrides { id organizationId model note } }' },
    {
      kind: 'denied',
      query: 'query($o: ID) { modelPriceOverrides(organizationId: $o) { id organizationId note } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Query.modelAliases': [
    { kind: 'scoped', query: '{ modelAliases { id name organizationId targets } }' },
    {
      kind: 'denied',
      query: 'query($o: ID) { modelAliases(organizationId: $o) { id name } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Query.usage': [
    {
      kind: 'scoped',
      query: `{ usage(groupBy: [ORGANIZATION, PROJECT, GATEWAY_KEY, MODEL]) {
        groups { organizationId organizationName projectId projectName gatewayKeyId gatewayKeyName } } }`,
      shows: (w) => w.projectA,
    },
    {
      kind: 'scoped',
      query: 'query($p: ID) { usage(filter: { projectId: $p }, groupBy: [PROJECT]) { groups { projectId projectName requests } } }',
      variables: (w) => ({ p: w.projectB }),
    },
    {
      kind: 'denied',
      query: 'query($o: ID) { usage(filter: { organizationId: $o }) { groups { organizationId requests billedCostUsd } } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Query.requestLogs': [
    {
      kind: 'scoped',
      query: '{ requestLogs(first: 200) { nodes { requestId organizationId projectId keyRef routing } } }',
      shows: () => 'req-alpha-1',
    },
    {
      kind: 'scoped',
      query: 'query($g: ID) { requestLogs(filter: { gatewayKeyId: $g }) { nodes { requestId } } }',
      variables: (w) => ({ g: w.gatewayKeyB }),
    },
    {
      kind: 'denied',
      query: 'query($o: ID) { requestLogs(filter: { organizationId: $o }) { nodes { requestId } } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Query.requestLog': [
    {
      kind: 'denied',
      query: 'query($r: String!) { requestLog(requestId: $r) { id model organizationId } }',
      variables: (w) => ({ r: w.requestIdB }),
    },
    { kind: 'denied', query: '{ requestLog(requestId: "req_not_yours") { requestId organizationId } }' },
  ],
  'Query.hostedKeyPool': [{ kind: 'operator', query: '{ hostedKeyPool { provider keys { name state lastDay { requests } } } }' }],
  'Query.providerSettings': [{ kind: 'operator', query: '{ providerSettings { provider mode } }' }],
  'Query.defaultLimiterSetting': [{ kind: 'operator', query: '{ defaultLimiterSetting { mode } }' }],
  'Mutation.setHostedKeyState': [
    { kind: 'operator', query: 'mutation { setHostedKeyState(name: "OPENAI_API_KEY_1", enabled: false) { name } }' },
  ],
  'Mutation.setProviderLimiter': [
    {
      kind: 'operator',
      query: 'mutation { setProviderLimiter(input: { provider: "openai", mode: PER_ORGANIZATION, requestsPerMinute: 1 }) { mode } }',
    },
    { kind: 'operator', query: 'mutation { setProviderLimiter(input: { provider: "openai", mode: QUEUE }) { provider mode } }' },
  ],
  'Mutation.setCustomProvider': [
    {
      kind: 'denied',
      query:
        'mutation($o: ID!) { setCustomProvider(input: { organizationId: $o, slug: "bravo-llm", name: "x", baseUrl: "http://127.0.0.1:9/v1", models: ["m"] }) { id baseUrl } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Mutation.deleteCustomProvider': [
    { kind: 'denied', query: 'mutation($id: ID!) { deleteCustomProvider(id: $id) }', variables: (w) => ({ id: w.customProviderB }) },
  ],
  'Mutation.createOrganization': [
    {
      kind: 'scoped',
      query: 'mutation { createOrganization(input: { name: "A2" }) { id name projects { id } members { user { email } } } }',
    },
  ],
  'Mutation.updateOrganization': [
    {
      kind: 'denied',
      query: 'mutation($id: ID!) { updateOrganization(id: $id, input: { name: "pwned" }) { id name } }',
      variables: (w) => ({ id: w.orgB }),
    },
  ],
  'Mutation.addMember': [
    {
      kind: 'denied',
      query:
        'mutation($o: ID!) { addMember(input: { organizationId: $o, email: "intruder@example.test", role: OWNER }) { invitation { id organizationId } } }',
      variables: (w) => ({ o: w.orgB }),
    },
    {
      kind: 'denied',
      query:
        'mutation($o: ID!) { addMember(input: { organizationId: $o, email: "intruder@example.test", role: MEMBER }) { invitation { id } } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Mutation.revokeInvitation': [
    { kind: 'denied', query: 'mutation($id: ID!) { revokeInvitation(id: $id) { id email } }', variables: (w) => ({ id: w.invitationB }) },
  ],
  'Mutation.resendInvitation': [
    {
      kind: 'denied',
      query: 'mutation($id: ID!) { resendInvitation(id: $id) { id email url } }',
      variables: (w) => ({ id: w.invitationB }),
    },
  ],
  'Mutation.removeMember': [
    {
      kind: 'denied',
      query: 'mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }',
      variables: (w) => ({ o: w.orgB, u: w.userB.userId }),
    },
    // Through one's own organization: B's user is not a member there.
    {
      kind: 'denied',
      query: 'mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }',
      variables: (w) => ({ o: w.orgA, u: w.userB.userId }),
    },
  ],
  'Mutation.createProject': [
    {
      kind: 'denied',
      query: 'mutation($o: ID!) { createProject(input: { organizationId: $o, name: "sneaky" }) { id organization { name } } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Mutation.updateProject': [
    {
      kind: 'denied',
      query: 'mutation($id: ID!) { updateProject(id: $id, input: { mode: CREDITS, name: "pwned" }) { id name organization { name } } }',
      variables: (w) => ({ id: w.projectB }),
    },
  ],
  'Mutation.setProviderKey': [
    {
      kind: 'denied',
      query: 'mutation($o: ID!, $k: String!) { setProviderKey(input: { organizationId: $o, provider: "openai", key: $k }) { id mask } }',
      variables: (w) => ({ o: w.orgB, k: `sk-${randomBase62(40)}` }),
    },
  ],
  'Mutation.setProviderKeyState': [
    {
      kind: 'denied',
      query: 'mutation($id: ID!) { setProviderKeyState(input: { id: $id, enabled: true }) { id status } }',
      variables: (w) => ({ id: w.providerKeyB }),
    },
    {
      kind: 'denied',
      query: 'mutation($id: ID!) { setProviderKeyState(input: { id: $id, enabled: false }) { id status disabledReason } }',
      variables: (w) => ({ id: w.providerKeyB }),
    },
  ],
  'Mutation.deleteProviderKey': [
    { kind: 'denied', query: 'mutation($id: ID!) { deleteProviderKey(id: $id) }', variables: (w) => ({ id: w.providerKeyB }) },
  ],
  'Mutation.createGatewayKey': [
    {
      kind: 'denied',
      query: 'mutation($p: ID!) { createGatewayKey(input: { projectId: $p, name: "steal" }) { secret key { id } } }',
      variables: (w) => ({ p: w.projectB }),
    },
  ],
  'Mutation.revokeGatewayKey': [
    { kind: 'denied', query: 'mutation($id: ID!) { revokeGatewayKey(id: $id) { id prefix } }', variables: (w) => ({ id: w.gatewayKeyB }) },
  ],
  'Mutation.setModelPrice': [
    {
      kind: 'operator',
      query: `mutation($o: ID) { setModelPrice(input: { provider: "openai", model: "gpt-4o-mini", organizationId: $o,
        inputUsdPerMtok: "0", outputUsdPerMtok: "0" }) { id } }`,
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Mutation.deleteModelPrice': [
    { kind: 'operator', query: 'mutation($id: ID!) { deleteModelPrice(id: $id) { id } }', variables: (w) => ({ id: w.modelPriceB }) },
  ],
  'Mutation.setModelAlias': [
    {
      kind: 'operator',
      query:
        'mutation($o: ID) { setModelAlias(input: { name: "bravocanary-fast", targets: ["openai/gpt-4o"], organizationId: $o }) { id } }',
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Mutation.deleteModelAlias': [
    { kind: 'operator', query: 'mutation($id: ID!) { deleteModelAlias(id: $id) { id } }', variables: (w) => ({ id: w.modelAliasB }) },
  ],
  'Mutation.setOrganizationModelAccess': [
    {
      kind: 'operator',
      query: `mutation($o: ID!) { setOrganizationModelAccess(input: { organizationId: $o, allowedModels: [], deniedModels: ["*"] }) {
        organizationId } }`,
      variables: (w) => ({ o: w.orgB }),
    },
  ],
  'Mutation.setFeatureFlag': [
    {
      kind: 'operator',
      query: 'mutation($o: ID) { setFeatureFlag(input: { key: "hosted-key-llm", enabled: true, organizationId: $o }) { key } }',
      variables: (w) => ({ o: w.orgB }),
    },
    {
      kind: 'operator',
      query: 'mutation($o: ID) { setFeatureFlag(input: { key: "hosted-key-llm", enabled: true, organizationId: $o }) { key } }',
      variables: (w) => ({ o: w.orgA }),
    },
  ],
  'Mutation.clearFeatureFlagOverride': [
    {
      kind: 'operator',
      query:
        'mutation($o: ID) { clearFeatureFlagOverride(input: { key: "hosted-key-llm", organizationId: $o }) { key overrides { scopeId } } }',
      variables: (w) => ({ o: w.orgB }),
    },
    {
      kind: 'operator',
      query: 'mutation($p: ID) { clearFeatureFlagOverride(input: { key: "hosted-key-llm", projectId: $p }) { key } }',
      variables: (w) => ({ p: w.projectA }),
    },
  ],
  'Mutation.addCredits': [
    {
      kind: 'operator',
      query: 'mutation($o: ID!) { addCredits(input: { organizationId: $o, amountUsd: "100" }) { entry { id } } }',
      variables: (w) => ({ o: w.orgA }),
    },
  ],
  'Mutation.createAccessToken': [
    { kind: 'scoped', query: 'mutation { createAccessToken(input: { name: "mine" }) { token { id name } } }' },
  ],
  'Query.statement': [
    {
      kind: 'denied',
      query: 'query($o: ID!) { statement(organizationId: $o, month: "2026-11") { organizationName closingBalanceUsd } }',
      variables: (w) => ({ o: w.orgB }),
    },
    {
      kind: 'scoped',
      query: 'query($o: ID!) { statement(organizationId: $o, month: "2026-11") { organizationId closingBalanceUsd } }',
      variables: (w) => ({ o: w.orgA }),
      shows: (w) => w.orgA,
    },
  ],
  'Query.platformWebhooks': [{ kind: 'operator', query: '{ platformWebhooks { id url events } }' }],
  'Mutation.createWebhook': [
    {
      kind: 'denied',
      query:
        'mutation($o: ID) { createWebhook(input: { organizationId: $o, url: "https://hooks.example.test/a", events: ["credits.low"] }) { webhook { id } secret } }',
      variables: (w) => ({ o: w.orgB }),
    },
    {
      kind: 'operator',
      query:
        'mutation { createWebhook(input: { url: "https://hooks.example.test/platform", events: ["hosted_key.disabled"] }) { webhook { id } secret } }',
    },
  ],
  'Mutation.deleteWebhook': [
    { kind: 'denied', query: 'mutation($id: ID!) { deleteWebhook(id: $id) }', variables: (w) => ({ id: w.webhookB }) },
  ],
  'Mutation.setAttributionBudget': [
    {
      kind: 'denied',
      query:
        'mutation($p: ID!) { setAttributionBudget(input: { projectId: $p, scope: TAG, value: "team:x", budgetUsd: "1", budgetPeriod: MONTHLY }) { id value } }',
      variables: (w) => ({ p: w.projectB }),
    },
  ],
  'Mutation.deleteAttributionBudget': [
    { kind: 'denied', query: 'mutation($id: ID!) { deleteAttributionBudget(id: $id) }', variables: (w) => ({ id: w.attributionBudgetB }) },
  ],
  'Mutation.revokeAccessToken': [
    { kind: 'denied', query: 'mutation($id: ID!) { revokeAccessToken(id: $id) { id name } }', variables: (w) => ({ id: w.accessTokenB }) },
  ],
};

describe.each(availableBackends())('tenant isolation on %s', (backend) => {
  let t: TestServer;
  let w: World;
  let ownerA: SeededUser;
  let fields: string[];
  let bSecrets: string[];

  beforeAll(async () => {
    // Custom providers here point at 127.0.0.1:9: allowed only with the switch on.
    t = await startTestServer(backend, { KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true' });
    const orgA = await seedOrganization(t, 'Alpha Inc');
    const projectA = await seedProject(t, orgA.id, 'alpha-app');
    ownerA = await seedUser(t, orgA.id, 'OWNER');
    const orgB = await seedOrganization(t, 'BRAVOCANARY Org');
    const projectB = await seedProject(t, orgB.id, 'BRAVOCANARY project');
    const userB = await seedUser(t, orgB.id, 'MEMBER', { email: 'bravocanary@example.test' });
    const pk = await t.gqlOk<{ setProviderKey: { id: string } }>(
      'mutation($o: ID!, $k: String!) { setProviderKey(input: { organizationId: $o, provider: "openai", key: $k }) { id } }',
      { o: orgB.id, k: `sk-BRAVOCANARY${randomBase62(30)}` },
    );
    const gk = await t.gqlOk<{ createGatewayKey: { key: { id: string } } }>(
      'mutation($p: ID!) { createGatewayKey(input: { projectId: $p, name: "BRAVOCANARY key" }) { key { id } } }',
      { p: projectB.id },
    );
    const token = await t.gqlOk<{ createAccessToken: { token: { id: string } } }>(
      'mutation { createAccessToken(input: { name: "BRAVOCANARY token" }) { token { id } } }',
      {},
      userB.token,
    );
    await t.gqlOk(
      'mutation($o: ID!) { addCredits(input: { organizationId: $o, amountUsd: "7", note: "BRAVOCANARY grant" }) { entry { id } } }',
      { o: orgB.id },
    );
    const custom = await t.gqlOk<{ setCustomProvider: { id: string } }>(
      'mutation($o: ID!) { setCustomProvider(input: { organizationId: $o, slug: "bravo-llm", name: "BRAVOCANARY llm", baseUrl: "http://127.0.0.1:9/v1", models: ["bravocanary-model"] }) { id } }',
      { o: orgB.id },
    );
    const invitationB = await invite(t, { organizationId: orgB.id, email: 'bravocanary-invitee@example.test', role: 'ADMIN' });
    const requestIdB = 'req-BRAVOCANARY-1';
    await t.server.db.prisma.usageRecord.create({
      data: {
        requestId: requestIdB,
        organizationId: orgB.id,
        projectId: projectB.id,
        gatewayKeyId: gk.createGatewayKey.key.id,
        provider: 'openai',
        model: 'bravocanary-model',
        keySource: 'byok',
        keyRef: pk.setProviderKey.id,
        status: 'SUCCESS',
        httpStatus: 200,
        latencyMs: 120,
      },
    });
    const gkA = await t.gqlOk<{ createGatewayKey: { key: { id: string } } }>(
      'mutation($p: ID!) { createGatewayKey(input: { projectId: $p, name: "a" }) { key { id } } }',
      {
        p: projectA.id,
      },
    );
    await t.server.db.prisma.usageRecord.create({
      data: {
        requestId: 'req-alpha-1',
        organizationId: orgA.id,
        projectId: projectA.id,
        gatewayKeyId: gkA.createGatewayKey.key.id,
        model: 'alpha-model',
        status: 'SUCCESS',
        httpStatus: 200,
        latencyMs: 80,
      },
    });
    // Organization B's negotiated rate and own alias, set by the operator.
    const priceB = await t.gqlOk<{ setModelPrice: { id: string } }>(
      `mutation($o: ID) { setModelPrice(input: { provider: "openai", model: "gpt-4o-mini", organizationId: $o,
        inputUsdPerMtok: "0.01", outputUsdPerMtok: "0.02", note: "BRAVOCANARY rate" }) { id } }`,
      { o: orgB.id },
    );
    const aliasB = await t.gqlOk<{ setModelAlias: { id: string } }>(
      'mutation($o: ID) { setModelAlias(input: { name: "bravocanary-fast", targets: ["openai/gpt-4o-mini"], organizationId: $o }) { id } }',
      { o: orgB.id },
    );
    // Organization B's alert webhook and tag budget, set by the operator.
    const webhookB = await t.gqlOk<{ createWebhook: { webhook: { id: string } } }>(
      'mutation($o: ID) { createWebhook(input: { organizationId: $o, url: "https://bravocanary.example.test/hook", events: ["credits.low"] }) { webhook { id } } }',
      { o: orgB.id },
    );
    const budgetB = await t.gqlOk<{ setAttributionBudget: { id: string } }>(
      'mutation($p: ID!) { setAttributionBudget(input: { projectId: $p, scope: TAG, value: "bravocanary-team", budgetUsd: "5", budgetPeriod: TOTAL }) { id } }',
      { p: projectB.id },
    );
    w = {
      webhookB: webhookB.createWebhook.webhook.id,
      attributionBudgetB: budgetB.setAttributionBudget.id,
      modelPriceB: priceB.setModelPrice.id,
      modelAliasB: aliasB.setModelAlias.id,
      customProviderB: custom.setCustomProvider.id,
      requestIdB,
      invitationB: invitationB.id,
      orgA: orgA.id,
      projectA: projectA.id,
      orgB: orgB.id,
      projectB: projectB.id,
      providerKeyB: pk.setProviderKey.id,
      gatewayKeyB: gk.createGatewayKey.key.id,
      userB,
      accessTokenB: token.createAccessToken.token.id,
    };
    bSecrets = [
      'BRAVOCANARY',
      'bravocanary',
      'bravo-llm',
      orgB.id,
      projectB.id,
      w.providerKeyB,
      w.gatewayKeyB,
      userB.userId,
      w.accessTokenB,
      w.customProviderB,
      w.invitationB,
      w.modelPriceB,
      w.modelAliasB,
      w.webhookB,
      w.attributionBudgetB,
    ];
    const schema = await t.gqlOk<{ __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } } }>(
      '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }',
    );
    fields = [
      ...schema.__schema.queryType.fields.map((f) => `Query.${f.name}`),
      ...schema.__schema.mutationType.fields.map((f) => `Mutation.${f.name}`),
    ];
  });
  afterAll(() => t?.close());

  it('has a case for every Query and Mutation field in the schema', () => {
    const missing = fields.filter((field) => !CASES[field]?.length);
    expect(missing, 'add these operations to the tenant-isolation table').toEqual([]);
  });

  function expectNoLeak(result: GraphQLResult, variables: Record<string, unknown>) {
    const body = JSON.stringify(result);
    const given = JSON.stringify(variables);
    for (const secret of bSecrets) if (!given.includes(secret)) expect(body, `leaked ${secret}`).not.toContain(secret);
  }

  it.for(Object.entries(CASES))('%s keeps organization B out of reach', async ([field, cases], ctx) => {
    if (!fields.includes(field)) return ctx.skip(`${field} is not in the schema yet`);
    for (const c of cases) {
      const variables = c.variables?.(w) ?? {};
      const result = await t.gql(c.query, variables, ownerA.token);
      const label = `${field}: ${c.query}`;
      expect(result.status, label).toBeLessThan(500);
      if (c.kind === 'denied') {
        expect(codesOf(result).length, label).toBeGreaterThan(0);
        for (const code of codesOf(result)) expect(['FORBIDDEN', 'NOT_FOUND'], label).toContain(code);
        expect(result.data ?? null, label).toBeNull();
      } else if (c.kind === 'operator') {
        expect(codesOf(result), label).toEqual(['FORBIDDEN']);
        expect(result.data ?? null, label).toBeNull();
      } else {
        expect(result.errors, label).toBeUndefined();
        if (c.shows) expect(JSON.stringify(result.data), label).toContain(c.shows(w));
        if (c.kind === 'public') {
          expect(Object.values(result.data ?? {}).flat().length, label).toBeGreaterThan(0);
          expect(codesOf(await t.gql(c.query, variables, null)), `${label} without a token`).toEqual(['UNAUTHENTICATED']);
        }
      }
      expectNoLeak(result, variables);
    }
  });

  it("left organization B's resources untouched", async () => {
    const data = await t.gqlOk<{ organization: Record<string, unknown> }>(
      `query($id: ID!) { organization(id: $id) { name creditBalance members { role user { email } } providerKeys { id }
        projects { id name mode gatewayKeys { id revokedAt } } } }`,
      { id: w.orgB },
    );
    expect(data.organization).toMatchObject({
      name: 'BRAVOCANARY Org',
      creditBalance: '7',
      providerKeys: [{ id: w.providerKeyB }],
      projects: [{ id: w.projectB, name: 'BRAVOCANARY project', mode: 'API_KEYS', gatewayKeys: [{ id: w.gatewayKeyB, revokedAt: null }] }],
    });
    const emails = (data.organization.members as { user: { email: string } }[]).map((m) => m.user.email);
    expect(emails).toContain('bravocanary@example.test');
    expect(emails).not.toContain('intruder@example.test');
    const viewerB = await t.gqlOk<{ viewer: { accessTokens: { id: string; revokedAt: string | null }[] } }>(
      '{ viewer { accessTokens { id revokedAt } } }',
      {},
      w.userB.token,
    );
    expect(viewerB.viewer.accessTokens).toContainEqual({ id: w.accessTokenB, revokedAt: null });
    const custom = await t.gqlOk<{ organization: { customProviders: { id: string; baseUrl: string }[] } }>(
      'query($id: ID!) { organization(id: $id) { customProviders { id baseUrl } } }',
      { id: w.orgB },
    );
    expect(custom.organization.customProviders).toEqual([{ id: w.customProviderB, baseUrl: 'http://127.0.0.1:9/v1' }]);
    const logs = await t.gqlOk<{ requestLog: { requestId: string } }>('query($r: String!) { requestLog(requestId: $r) { requestId } }', {
      r: w.requestIdB,
    });
    expect(logs.requestLog.requestId).toBe(w.requestIdB);
    const flags = await t.gqlOk<{ featureFlags: { overrides: unknown[] }[] }>('{ featureFlags { overrides { scopeId } } }');
    expect(flags.featureFlags.flatMap((f) => f.overrides)).toEqual([]);
  });

  it('answers NOT_FOUND for ids that do not exist, like ids of other tenants', async () => {
    const probes = [
      ['query($id: ID!) { project(id: $id) { id } }', { id: NIL }],
      ['mutation($id: ID!) { revokeGatewayKey(id: $id) { id } }', { id: NIL }],
      ['mutation($id: ID!) { deleteProviderKey(id: $id) }', { id: NIL }],
      ['mutation($id: ID!) { revokeAccessToken(id: $id) { id } }', { id: NIL }],
    ] as const;
    for (const [query, variables] of probes) {
      const missing = await t.gql(query, variables, ownerA.token);
      expect(codesOf(missing), query).toEqual(['NOT_FOUND']);
    }
  });
});
