import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  pico,
  startGatewayEnv,
  type Tenant,
  usageOf,
  usageOfProject,
} from './support/tenant.js';

const SET_BUDGET = `mutation($input: SetAttributionBudgetInput!) {
  setAttributionBudget(input: $input) { id scope value budgetUsd budgetPeriod period spentUsd reservedUsd }
}`;
const BUDGETS = `query($id: ID!) { project(id: $id) { attributionBudgets { id scope value budgetUsd spentUsd reservedUsd } } }`;

/** A small output cap keeps each hold near its bill, so a few calls reach a $0.00002 budget. */
const BODY = { model: 'gpt-4o-mini', max_tokens: 16 };

/** Budgets per tag and per end user (issue 16): held and settled like a key's budget, 402 past them. */
describe.each(availableBackends())('tag and end-user budgets on %s', (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv(backend, { OPENAI_API_KEY: fakeKey('openai'), HOSTED_COST_MULTIPLIER: '1.5' });
  });
  afterAll(() => g?.close());

  const setBudget = (tenant: Tenant, scope: 'TAG' | 'END_USER', value: string, budgetUsd = '0.00002') =>
    g.t.gqlOk<{ setAttributionBudget: { id: string; spentUsd: string } }>(SET_BUDGET, {
      input: { projectId: tenant.projectId, scope, value, budgetUsd, budgetPeriod: 'TOTAL' },
    });

  /** Calls one at a time (each settled) until refused; returns the refusal. */
  const spendUntilRefused = async (tenant: Tenant, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    for (let i = 0; i < 20; i += 1) {
      const result = await chat(g.t, tenant.secret, body, headers);
      if (result.status === 402) return result;
      expect(result.status, result.text).toBe(200);
      await usageOf(g.t, result.requestId);
    }
    throw new Error('never refused');
  };

  it('a tag budget refuses its tag with 402 naming it, at its limit; other tags and untagged calls go on', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const { setAttributionBudget: budget } = await setBudget(tenant, 'TAG', 'team:a');
    expect(budget.spentUsd).toBe('0');

    const refused = await spendUntilRefused(tenant, BODY, { 'x-keyplane-tags': 'team:a,feature:chat' });
    expectOpenAiError(refused, 402, 'budget_exceeded');
    expect(refused.json.error.message).toBe('The tag "team:a" has spent its total budget of $0.00002 in this project');
    expect((await chat(g.t, tenant.secret, BODY, { 'x-keyplane-tags': 'team:b' })).status).toBe(200);
    expect((await chat(g.t, tenant.secret, BODY)).status).toBe(200);

    const records = await usageOfProject(g.t, tenant.projectId);
    const tagged = records.filter((record) => record.tags.includes('team:a'));
    const billed = tagged.reduce((sum, record) => sum + pico(record.billedCostUsd), 0n);
    const largest = tagged.reduce((max, record) => (pico(record.billedCostUsd) > max ? pico(record.billedCostUsd) : max), 0n);
    // Settled and idle: the budget leases' unused headroom goes back (it is held while leased).
    await g.t.server.gateway.leases.releaseIdle(0);
    const { project } = await g.t.gqlOk<{ project: { attributionBudgets: { id: string; spentUsd: string; reservedUsd: string }[] } }>(
      BUDGETS,
      { id: tenant.projectId },
    );
    const shown = project.attributionBudgets.find((row) => row.id === budget.id);
    expect(pico(shown?.spentUsd ?? '0')).toBe(billed);
    expect(shown?.reservedUsd).toBe('0');
    // Admission checks spend + holds < budget: only the last admitted call crosses, by at most its bill.
    expect(billed).toBeGreaterThanOrEqual(pico('0.00002'));
    expect(billed).toBeLessThanOrEqual(pico('0.00002') + largest);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('an end-user budget refuses that end user only', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    await setBudget(tenant, 'END_USER', 'customer-42');
    const refused = await spendUntilRefused(tenant, { ...BODY, user: 'customer-42' });
    expectOpenAiError(refused, 402, 'budget_exceeded');
    expect(refused.json.error.message).toContain('The end user "customer-42" has spent its total budget');
    expect((await chat(g.t, tenant.secret, { ...BODY, user: 'customer-7' })).status).toBe(200);
  });

  it('parallel bursts under a tag and a key budget at once pass neither by more than one bill', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { budgetUsd: '0.00004', budgetPeriod: 'TOTAL' } });
    const { setAttributionBudget: budget } = await setBudget(tenant, 'TAG', 'burst');
    let refused = 0;
    for (let round = 0; round < 5 && refused < 8; round += 1) {
      const results = await Promise.all(Array.from({ length: 4 }, () => chat(g.t, tenant.secret, BODY, { 'x-keyplane-tags': 'burst' })));
      for (const result of results) expect([200, 402], result.text).toContain(result.status);
      refused += results.filter((result) => result.status === 402).length;
    }
    expect(refused).toBeGreaterThan(0);
    const records = await usageOfProject(g.t, tenant.projectId);
    const bills = records.map((record) => pico(record.billedCostUsd));
    const largest = bills.reduce((max, bill) => (bill > max ? bill : max), 0n);
    // Settled and idle: the budget leases' unused headroom goes back (it is held while leased).
    await g.t.server.gateway.leases.releaseIdle(0);
    const spend = await g.t.server.db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: budget.id, period: 'total' } },
    });
    const keySpend = await g.t.server.db.prisma.budgetSpend.findUniqueOrThrow({
      where: { budgetId_period: { budgetId: tenant.gatewayKeyId, period: 'total' } },
    });
    // The tag's budget is the smaller one and refuses first; the key's held and settled the same calls.
    expect(pico(spend.spentUsd)).toBe(bills.reduce((sum, bill) => sum + bill, 0n));
    expect(pico(spend.spentUsd)).toBeLessThanOrEqual(pico('0.00002') + largest);
    expect(pico(keySpend.spentUsd)).toBe(pico(spend.spentUsd));
    expect(pico(spend.reservedUsd)).toBe(0n);
    expect(pico(keySpend.reservedUsd)).toBe(0n);
  });

  it('is ADMIN+ within the organization, validated, audited; another organization cannot see or touch it', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const member = await seedUser(g.t, tenant.organizationId, 'MEMBER');
    const input = { projectId: tenant.projectId, scope: 'TAG', value: 'team:x', budgetUsd: '5', budgetPeriod: 'MONTHLY' };
    const asMember = await g.t.gql(SET_BUDGET, { input }, member.token);
    expect(asMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await g.t.gql(SET_BUDGET, { input: { ...input, value: 'has space' } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const zero = await g.t.gql(SET_BUDGET, { input: { ...input, budgetUsd: '0' } });
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const { setAttributionBudget: budget } = await g.t.gqlOk<{ setAttributionBudget: { id: string; period: string } }>(SET_BUDGET, {
      input,
    });
    expect(budget.period).toMatch(/^\d{4}-\d{2}$/);
    const other = await createTenant(g.t, { mode: 'CREDITS' });
    const outsider = await seedUser(g.t, other.organizationId, 'OWNER');
    const read = await g.t.gql(BUDGETS, { id: tenant.projectId }, outsider.token);
    expect(read.data?.project ?? null).toBeNull();
    const del = await g.t.gql('mutation($id: ID!) { deleteAttributionBudget(id: $id) }', { id: budget.id }, outsider.token);
    expect(del.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await g.t.gqlOk('mutation($id: ID!) { deleteAttributionBudget(id: $id) }', { id: budget.id });
    const actions = await g.t.server.db.prisma.auditEntry.findMany({
      where: { organizationId: tenant.organizationId, targetId: budget.id },
      select: { action: true },
    });
    expect(actions.map((entry) => entry.action).sort()).toEqual(['attribution-budget.delete', 'attribution-budget.set']);
  });
});
