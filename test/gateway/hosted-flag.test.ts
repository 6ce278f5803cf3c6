import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  fakeKey,
  type GatewayEnv,
  setHostedFlag,
  sleep,
  startGatewayEnv,
} from './support/tenant.js';

const ENV_KEY = fakeKey('openai', 'envflag');
const POOL_KEY = fakeKey('openai', 'poolflag');
const ANTHROPIC_ENV_KEY = fakeKey('anthropic', 'envonly');
const PLATFORM_ENV = { OPENAI_API_KEY: ENV_KEY, OPENAI_API_KEY_1: POOL_KEY, ANTHROPIC_API_KEY: ANTHROPIC_ENV_KEY };

/** The source a CREDITS call used, checked against what the upstream received. */
async function sourceOf(g: GatewayEnv, secret: string, model = 'gpt-4o-mini'): Promise<string | null> {
  const result = await chat(g.t, secret, { model });
  expect(result.status, result.text).toBe(200);
  const expectedKey = { hosted: POOL_KEY, env: model.startsWith('claude') ? ANTHROPIC_ENV_KEY : ENV_KEY }[
    result.keySource as 'hosted' | 'env'
  ];
  expect(g.sim.requests.at(-1)?.apiKey).toBe(expectedKey);
  return result.keySource;
}

describe('hosted-key-llm flag', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', PLATFORM_ENV);
  });
  afterAll(() => g?.close());

  it('is off by default: CREDITS calls use the legacy env key', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    expect(await sourceOf(g, tenant.secret)).toBe('env');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('per organization and per project (the project override wins)', async () => {
    const orgOn = await createTenant(g.t, { mode: 'CREDITS', credits: '1', orgFlag: true });
    expect(await sourceOf(g, orgOn.secret)).toBe('hosted');
    const projectOff = await createTenant(g.t, { mode: 'CREDITS', credits: '1', orgFlag: true, projectFlag: false });
    expect(await sourceOf(g, projectOff.secret)).toBe('env');
    const projectOn = await createTenant(g.t, { mode: 'CREDITS', credits: '1', orgFlag: false, projectFlag: true });
    expect(await sourceOf(g, projectOn.secret)).toBe('hosted');
    for (const tenant of [orgOn, projectOff, projectOn]) await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('a toggle applies to a running tenant within about a second', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    expect(await sourceOf(g, tenant.secret)).toBe('env');
    await setHostedFlag(g.t, true, { projectId: tenant.projectId });
    await sleep(1_100);
    expect(await sourceOf(g, tenant.secret)).toBe('hosted');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('with the flag on and no pool for the provider, the env key serves', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', projectFlag: true });
    expect(await sourceOf(g, tenant.secret, 'claude-haiku-4-5')).toBe('env');
    expect(await sourceOf(g, tenant.secret, 'gpt-4o-mini')).toBe('hosted');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  // Last: it changes the global value for every tenant of this server.
  it('globally, with organization overrides still applying', async () => {
    const optedOut = await createTenant(g.t, { mode: 'CREDITS', credits: '1', orgFlag: false });
    await setHostedFlag(g.t, true);
    const fresh = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    expect(await sourceOf(g, fresh.secret)).toBe('hosted');
    expect(await sourceOf(g, optedOut.secret)).toBe('env');
    await setHostedFlag(g.t, false);
    const later = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    expect(await sourceOf(g, later.secret)).toBe('env');
  });
});

describe('HOSTED_KEY_LLM=true beats the flag', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { ...PLATFORM_ENV, HOSTED_KEY_LLM: 'true' });
  });
  afterAll(() => g?.close());

  it('serves from the pool even where the flag is off for the org and project', async () => {
    await setHostedFlag(g.t, false);
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', orgFlag: false, projectFlag: false });
    expect(await sourceOf(g, tenant.secret)).toBe('hosted');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
});

describe('HOSTED_KEY_LLM=false beats the flag', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { ...PLATFORM_ENV, HOSTED_KEY_LLM: 'false' });
  });
  afterAll(() => g?.close());

  it('serves from the env key even where the flag is on everywhere', async () => {
    await setHostedFlag(g.t, true);
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', orgFlag: true, projectFlag: true });
    expect(await sourceOf(g, tenant.secret)).toBe('env');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
});
