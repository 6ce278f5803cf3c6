import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_ACCESS } from '../../server/domain/catalog/cached-catalog-overrides.js';
import { CUSTOM_ENDPOINTS_OF_ORGANIZATION } from '../../server/domain/custom-providers/custom-provider.service.js';
import { FLAGS_FOR_PROJECT } from '../../server/domain/flags/feature-flag.service.js';
import { GATEWAY_KEY_IDENTITIES } from '../../server/domain/gateway-keys/gateway-key.service.js';
import { SEALED_KEYS_OF_ORGANIZATION } from '../../server/domain/provider-keys/provider-key.service.js';
import { hashSecret } from '../../server/secrets/tokens.js';
import { seedOrganization, seedProject } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * What the gateway loads for an organization whose cached configuration went cold (its first
 * request on an instance, or back after more than a minute): each of the key's identity, its
 * project's flags, the stored keys, the custom endpoints and the model lists in one statement
 * without Prisma, with the same values Prisma reads, on both databases (each driver parses rows
 * its own way: decimals, arrays, enums, timestamps, bytes).
 */
describe.each(availableBackends())('an organization coming back cold (%s)', (backend) => {
  let t: TestServer;
  const statements: string[] = [];
  let organizationId: string;
  let projectId: string;
  let key: { id: string; secret: string };
  const expiresAt = new Date(Date.now() + 86_400_000);
  /** How many times this statement ran (the server's background jobs send theirs meanwhile). */
  const runs = (statement: { text: string }) => statements.filter((sql) => sql === statement.text).length;
  /** What Prisma read of an organization's configuration (its model queries name "public"."Table"). */
  const prismaConfigReads = () =>
    statements.filter((sql) =>
      /FROM "public"\."(GatewayKey|Project|AttributionBudget|FeatureFlag|FeatureFlagOverride|ProviderKey|CustomProvider|Organization)"/.test(
        sql,
      ),
    );

  beforeAll(async () => {
    t = await startTestServer(backend, { OPENAI_API_KEY: '' }, { onQuery: (sql) => statements.push(sql) });
    organizationId = (await seedOrganization(t)).id;
    projectId = (await seedProject(t, organizationId)).id;
    const prisma = t.server.db.prisma;
    await prisma.organization.update({
      where: { id: organizationId },
      data: {
        hostedCostMultiplier: '1.250001',
        byokFeeRate: '0.05',
        allowedModels: ['gpt-4o*', "it's"],
        deniedModels: ['gpt-4o-2024-05-13'],
      },
    });
    await prisma.attributionBudget.createMany({
      data: [
        { projectId, organizationId, scope: 'TAG', value: 'team:a', budgetUsd: '12.5', budgetPeriod: 'MONTHLY' },
        { projectId, organizationId, scope: 'END_USER', value: 'u"1', budgetUsd: '0.000000000001', budgetPeriod: 'TOTAL' },
      ],
    });
    await prisma.featureFlag.upsert({
      where: { key: 'hosted-key-llm' },
      update: { enabled: false },
      create: { key: 'hosted-key-llm', enabled: false },
    });
    await prisma.featureFlagOverride.create({
      data: { flagKey: 'hosted-key-llm', scope: 'ORGANIZATION', scopeId: organizationId, enabled: true },
    });
    await prisma.featureFlag.upsert({
      where: { key: 'refuse-unpriced-credits' },
      update: { enabled: true },
      create: { key: 'refuse-unpriced-credits', enabled: true },
    });
    await prisma.featureFlagOverride.create({
      data: { flagKey: 'refuse-unpriced-credits', scope: 'PROJECT', scopeId: projectId, enabled: false },
    });
    await prisma.customProvider.createMany({
      data: [
        { organizationId, slug: 'zeta', name: 'Z', baseUrl: 'https://z.example/v1', models: ['m1', 'm,2'] },
        { organizationId, slug: 'alpha', name: 'A', baseUrl: 'https://a.example/v1', models: [] },
      ],
    });
    await t.gqlOk('mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id } }', {
      input: { organizationId, provider: 'openai', key: `sk-${'a'.repeat(48)}` },
    });
    const created = await t.gqlOk<{ createGatewayKey: { key: { id: string }; secret: string } }>(
      `mutation($p: ID!, $e: DateTimeISO) { createGatewayKey(input: { projectId: $p, name: "k", rpmLimit: 60, budgetUsd: "7.25",
        budgetPeriod: MONTHLY, allowedModels: ["gpt-4o-mini", "gpt-4o-2024-05-13"], defaultTags: ["env:prod", "team:a"], expiresAt: $e }) { key { id } secret } }`,
      { p: projectId, e: expiresAt.toISOString() },
    );
    key = { id: created.createGatewayKey.key.id, secret: created.createGatewayKey.secret };
  });
  afterAll(() => t?.close());

  it("reads keys' identities in one statement, with what Prisma reads", async () => {
    statements.length = 0;
    const hash = hashSecret(key.secret);
    const unknown = hashSecret(`kp_${'x'.repeat(40)}`);
    const found = await t.server.services.gatewayKeys.identitiesByHash([hash, unknown]);
    expect([...found.keys()]).toEqual([hash]);
    const identity = found.get(hash);
    expect(runs(GATEWAY_KEY_IDENTITIES)).toBe(1);
    expect(prismaConfigReads()).toEqual([]);
    const row = await t.server.db.prisma.gatewayKey.findUniqueOrThrow({
      where: { id: key.id },
      include: { project: { include: { organization: true, attributionBudgets: { orderBy: { id: 'asc' } } } } },
    });
    expect(identity).toEqual({
      id: key.id,
      projectId,
      rpmLimit: 60,
      budgetUsd: row.budgetUsd?.toFixed(12),
      budgetPeriod: 'MONTHLY',
      allowedModels: ['gpt-4o-mini', 'gpt-4o-2024-05-13'],
      defaultTags: ['env:prod', 'team:a'],
      expiresAt,
      revokedAt: null,
      mode: row.project.mode,
      preferStoredKeys: row.project.preferStoredKeys,
      organizationId,
      hostedCostMultiplier: '1.250001',
      byokFeeRate: '0.050000',
      attributionBudgets: row.project.attributionBudgets.map((budget) => ({
        id: budget.id,
        scope: budget.scope,
        value: budget.value,
        budgetUsd: budget.budgetUsd.toFixed(12),
        budgetPeriod: budget.budgetPeriod,
      })),
    });
    expect(identity?.budgetUsd).toBe('7.250000000000');
    expect(identity?.attributionBudgets.map((budget) => budget.budgetUsd).sort()).toEqual(['0.000000000001', '12.500000000000']);
  });

  it("reads the project's flags in one statement: the project's override over the organization's over the global value", async () => {
    statements.length = 0;
    expect(await t.server.services.flags.enabledFor(['hosted-key-llm', 'refuse-unpriced-credits'], organizationId, projectId)).toEqual({
      'hosted-key-llm': true,
      'refuse-unpriced-credits': false,
    });
    expect(runs(FLAGS_FOR_PROJECT)).toBe(1);
    expect(prismaConfigReads()).toEqual([]);
    expect(await t.server.services.flags.enabledFor(['hosted-key-llm', 'refuse-unpriced-credits'], 'another', 'other')).toEqual({
      'hosted-key-llm': false,
      'refuse-unpriced-credits': true,
    });
  });

  it('reads the stored keys, decrypted, the custom endpoints and the model lists in a statement each', async () => {
    statements.length = 0;
    const stored = await t.server.services.providerKeys.decryptedForOrganization(organizationId);
    expect([...stored.entries()].map(([provider, { secret }]) => [provider, secret])).toEqual([['openai', `sk-${'a'.repeat(48)}`]]);
    expect(await t.server.services.customProviders.endpointsOf(organizationId)).toEqual([
      { id: expect.any(String), slug: 'alpha', baseUrl: 'https://a.example/v1', models: [] },
      { id: expect.any(String), slug: 'zeta', baseUrl: 'https://z.example/v1', models: ['m1', 'm,2'] },
    ]);
    expect(await t.server.services.catalogOverrides.modelAccess(organizationId)).toEqual({
      allowed: ['gpt-4o*', "it's"],
      denied: ['gpt-4o-2024-05-13'],
    });
    expect([runs(SEALED_KEYS_OF_ORGANIZATION), runs(CUSTOM_ENDPOINTS_OF_ORGANIZATION), runs(MODEL_ACCESS)]).toEqual([1, 1, 1]);
    expect(prismaConfigReads()).toEqual([]);
  });

  it("serves an organization's first request without Prisma reading its configuration", async () => {
    // The model lists the test before read are cached in the same catalog the gateway reads.
    t.server.services.catalogOverrides.invalidate();
    statements.length = 0;
    const response = await t.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key.secret}` },
      body: JSON.stringify({ model: 'gpt-4o-2024-05-13', messages: [{ role: 'user', content: 'hi' }] }),
    });
    // The organization's denied model, known only from its model lists: every load ran.
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('gpt-4o-2024-05-13');
    expect(prismaConfigReads()).toEqual([]);
    for (const load of [
      GATEWAY_KEY_IDENTITIES,
      FLAGS_FOR_PROJECT,
      SEALED_KEYS_OF_ORGANIZATION,
      CUSTOM_ENDPOINTS_OF_ORGANIZATION,
      MODEL_ACCESS,
    ])
      expect(runs(load)).toBe(1);
  });
});
