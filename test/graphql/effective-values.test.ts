import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, type SeededUser, seedOrganization, seedProject, seedUser } from '../support/control-plane.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Rules the server owns reach the dashboard as values, not as a second copy of the rule. */
const SCOPES = `{ featureFlags { key scopes { scope scopeId organizationId enabled source ownOverride inherited { enabled source } } } }`;
const SET_FLAG = 'mutation($input: SetFeatureFlagInput!) { setFeatureFlag(input: $input) { key } }';
const DEFAULT_LIMITER = '{ defaultLimiterSetting { mode requestsPerMinute queueTimeoutMs } }';

interface ScopeValue {
  scope: string;
  scopeId: string;
  organizationId: string;
  enabled: boolean;
  source: string;
  ownOverride: boolean | null;
  inherited: { enabled: boolean; source: string };
}

async function scopesOf(t: TestServer): Promise<ScopeValue[]> {
  const data = await t.gqlOk<{ featureFlags: { key: string; scopes: ScopeValue[] }[] }>(SCOPES);
  return data.featureFlags.find((flag) => flag.key === 'hosted-key-llm')?.scopes ?? [];
}

describe('effective flag values and limiter defaults over GraphQL', () => {
  let t: TestServer;
  let owner: SeededUser;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(() => t?.close());

  it('each organization and project shows the value the gateway applies, why, and what a reset would leave', async () => {
    const on = await seedOrganization(t);
    const off = await seedOrganization(t);
    const inherits = await seedProject(t, on.id);
    const own = await seedProject(t, on.id);
    owner = await seedUser(t, on.id, 'OWNER');
    await t.gqlOk(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: true, organizationId: on.id } });
    await t.gqlOk(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: false, projectId: own.id } });

    const scopes = await scopesOf(t);
    const at = (scopeId: string) => scopes.find((value) => value.scopeId === scopeId);
    expect(at(on.id)).toEqual({
      scope: 'ORGANIZATION',
      scopeId: on.id,
      organizationId: on.id,
      enabled: true,
      source: 'ORGANIZATION',
      ownOverride: true,
      inherited: { enabled: false, source: 'GLOBAL' },
    });
    expect(at(off.id)).toMatchObject({ enabled: false, source: 'GLOBAL', ownOverride: null });
    expect(at(inherits.id)).toMatchObject({
      scope: 'PROJECT',
      organizationId: on.id,
      enabled: true,
      source: 'ORGANIZATION',
      ownOverride: null,
    });
    expect(at(own.id)).toMatchObject({
      enabled: false,
      source: 'PROJECT',
      ownOverride: false,
      inherited: { enabled: true, source: 'ORGANIZATION' },
    });

    // The gateway's answer is the one shown.
    for (const [organizationId, projectId] of [
      [on.id, inherits.id],
      [on.id, own.id],
    ] as const) {
      expect((await t.server.services.flags.enabledFor(['hosted-key-llm'], organizationId, projectId))['hosted-key-llm']).toBe(
        at(projectId)?.enabled,
      );
    }
  });

  it('serves the limiter defaults the gateway applies, to operators only', async () => {
    const data = await t.gqlOk<{ defaultLimiterSetting: unknown }>(DEFAULT_LIMITER);
    expect(data.defaultLimiterSetting).toEqual({ mode: 'NONE', requestsPerMinute: null, queueTimeoutMs: 10_000 });
    expect(codesOf(await t.gql(DEFAULT_LIMITER, {}, owner.token))).toEqual(['FORBIDDEN']);
  });
});

describe('effective flag values under HOSTED_KEY_LLM', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', { HOSTED_KEY_LLM: 'false' });
  });
  afterAll(() => t?.close());

  it('the environment decides every row, and says so', async () => {
    const org = await seedOrganization(t);
    await t.gqlOk(SET_FLAG, { input: { key: 'hosted-key-llm', enabled: true, organizationId: org.id } });
    const value = (await scopesOf(t)).find((row) => row.scopeId === org.id);
    expect(value).toMatchObject({
      enabled: false,
      source: 'ENVIRONMENT',
      ownOverride: true,
      inherited: { enabled: false, source: 'ENVIRONMENT' },
    });
  });
});
